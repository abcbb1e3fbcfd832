"""What the ERP's orders and receivables say about one customer in one department (issue 18 items 2 and 3).

The order import (portal/services/orders*.py) produces these values; grading reads them as the facts behind a
scorecard's volume and payment indicators and GRD-2 (b)'s hard criteria.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class SalesFacts:
    """One customer in one department over a period [start, end] (Beijing days), as of `today`."""

    has_data: bool  # any order or receivable imported for this customer and department, ever
    volume_yuan: Decimal  # orders placed in the period and not cancelled, in 元
    orders: int  # how many such orders
    late_payments: int  # invoices due in the period paid after their due day, or unpaid past it
    overdue_pickups: int  # orders whose pick-up was due in the period and were picked up late, or not at all
    overdue_90_yuan: Decimal  # still unpaid on `today` more than 90 days after the due day, in 元
    first_order_on: date | None  # the first order ever imported (years of cooperation, where it exists)

    @property
    def volume_wan(self) -> Decimal:
        """The period's volume in 万元, two decimals."""
        return (self.volume_yuan / Decimal(10000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


NO_DATA = SalesFacts(False, Decimal(0), 0, 0, 0, Decimal(0), None)
