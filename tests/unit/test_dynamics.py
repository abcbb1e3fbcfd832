"""BLK-4/5, INC-2, REV-2: the clocks of dynamic management, with the clarifications' examples."""

from datetime import UTC, date, datetime

import pytest

from portal.domain.dynamics import (
    TermError,
    add_months,
    company_expiry,
    cycle_of,
    department_expiry,
    downgrade_deadline,
    review_due,
)
from portal.domain.timeutil import SHANGHAI


@pytest.mark.parametrize(("listed", "expires"), [
    (date(2027, 1, 15), date(2027, 7, 15)), (date(2027, 8, 31), date(2028, 2, 29)),
    (date(2028, 8, 31), date(2029, 2, 28)),
])
def test_BLK_4_six_calendar_months_clamped_to_the_month_end(listed, expires):
    assert department_expiry(listed, None) == expires
    assert add_months(listed, 6) == expires


def test_BLK_4_department_term_may_be_shorter_never_longer():
    assert department_expiry(date(2027, 1, 15), date(2027, 3, 1)) == date(2027, 3, 1)
    with pytest.raises(TermError) as exc:
        department_expiry(date(2027, 1, 15), date(2027, 8, 15))  # seven months
    assert exc.value.code == "longer_than_six_months"
    with pytest.raises(TermError):
        department_expiry(date(2027, 1, 15), date(2027, 1, 15))


def test_BLK_4_exactly_six_months_is_allowed_six_months_and_a_day_is_refused():
    assert department_expiry(date(2027, 1, 15), date(2027, 7, 15)) == date(2027, 7, 15)
    with pytest.raises(TermError) as exc:
        department_expiry(date(2027, 1, 15), date(2027, 7, 16))
    assert exc.value.code == "longer_than_six_months"
    # clamped to the month's end: 31 August + 6 months is 29 February in a leap year, and not a day more
    assert department_expiry(date(2027, 8, 31), date(2028, 2, 29)) == date(2028, 2, 29)
    with pytest.raises(TermError) as exc:
        department_expiry(date(2027, 8, 31), date(2028, 3, 1))
    assert exc.value.code == "longer_than_six_months"


def test_BLK_4_company_entry_lasts_until_lifted_or_chosen_day():
    assert company_expiry(date(2027, 1, 15), None) is None
    assert company_expiry(date(2027, 1, 15), date(2030, 1, 1)) == date(2030, 1, 1)


def test_INC_2_downgrade_due_by_the_end_of_the_fifth_day_in_shanghai():
    recorded = datetime(2027, 3, 10, 14, 0, tzinfo=SHANGHAI)
    assert downgrade_deadline(recorded) == datetime(2027, 3, 15, 23, 59, 59, tzinfo=SHANGHAI)
    late_utc = datetime(2027, 3, 10, 17, 0, tzinfo=UTC)  # already 11 March in Shanghai
    assert downgrade_deadline(late_utc).date() == date(2027, 3, 16)


def test_REV_2_cycles_open_on_1_january_and_1_july_and_are_due_in_30_days():
    assert cycle_of(date(2027, 1, 1)) == ("2027H1", date(2027, 1, 1))
    assert cycle_of(date(2027, 6, 30)) == ("2027H1", date(2027, 1, 1))
    assert cycle_of(date(2027, 7, 1)) == ("2027H2", date(2027, 7, 1))
    assert review_due(date(2027, 1, 1)) == date(2027, 1, 31)
