"""The problems of imported orders and receivables in words (issue 18 item 2): each names its row and its column
by the column's name in the reader's language, never a code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.domain.sales_rows import Problem

COLUMN_NAMES = {
    "order_no": _l("Order number"), "invoice_no": _l("Invoice number"),
    "credit_code": _l("Unified social credit code"), "product": _l("Product"), "quantity": _l("Quantity"),
    "amount_yuan": _l("Amount (yuan)"), "ordered_on": _l("Order date"), "status": _l("Order status"),
    "pickup_due_on": _l("Pick-up due date"), "picked_up_on": _l("Picked up on"),
    "invoiced_on": _l("Invoice date"), "due_on": _l("Payment due date"), "paid_on": _l("Paid on"),
    "paid_amount_yuan": _l("Amount paid (yuan)"),
}

MESSAGES = {
    "missing": _l("this cell is empty; it must be filled."),
    "bad_date": _l("not a date; write it as 2026-03-31."),
    "future_date": _l("this date is in the future."),
    "negative": _l("a negative number is not allowed."),
    "bad_number": _l("not a number, or more than two decimals."),
    "too_long": _l("longer than 64 characters."),
    "bad_status": _l("the status must be open, shipped or cancelled."),
    "bad_credit_code": _l("not a valid unified social credit code (check its 18 characters)."),
    "duplicate": _l("this number appears more than once in the file."),
    "formula": _l("the cell holds a formula; save the values only (paste as values) and upload again."),
    "merged": _l("merged cells; unmerge them so that every row has its own values."),
    "unknown_customer": _l("no customer is registered with this credit code."),
    "not_a_customer": _l("this customer is not a customer of this department."),
    "unknown_product": _l("the department has no such product."),
    "unknown_column": _l("this column is not one of the template's."),
    "missing_column": _l("this column is missing from the header row."),
    "paid_too_much": _l("more than the invoice's amount."),
    "empty": _l("there are no rows to import."),
    "not_a_table": _l("the file is not a CSV or Excel (.xlsx) table."),
    "too_many_rows": _l("too many rows for one call."),
}


def column_name(column: str) -> object:
    """A column's name in the reader's language (an unknown header as it was written)."""
    return COLUMN_NAMES.get(column, column)


def problem_text(problem: Problem) -> object:
    """One problem as a sentence naming its row and column."""
    message = MESSAGES.get(problem.code, problem.code)
    if problem.row == 0:
        return message
    if not problem.column:
        return _l("Row %(row)d: %(message)s", row=problem.row, message=message)
    return _l("Row %(row)d, %(column)s: %(message)s", row=problem.row, column=column_name(problem.column),
              message=message)


def problem_fields(problems: list[Problem]) -> dict[str, list]:
    """Problems as the API's error fields: "rows[<row>].<column>" -> its sentences."""
    fields: dict[str, list] = {}
    for p in problems:
        fields.setdefault(f"rows[{p.row}].{p.column}" if p.column else f"rows[{p.row}]", []).append(problem_text(p))
    return fields
