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
    with pytest.raises(TermError) as exc:
        department_expiry(date(2027, 1, 15), date(2027, 1, 15))
    assert exc.value.code == str(exc.value) == "not_after_listing"
    assert department_expiry(date(2027, 1, 15), date(2027, 1, 16)) == date(2027, 1, 16)  # the shortest term


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
    assert company_expiry(date(2027, 1, 15), date(2027, 1, 16)) == date(2027, 1, 16)
    for day in (date(2027, 1, 15), date(2027, 1, 14)):  # the expiry day must come after the listing day
        with pytest.raises(TermError) as exc:
            company_expiry(date(2027, 1, 15), day)
        assert exc.value.code == str(exc.value) == "not_after_listing"


def test_BLK_4_six_months_later_crosses_into_the_next_year():
    assert add_months(date(2027, 7, 15), 6) == date(2028, 1, 15)  # month index 12: January of the next year
    assert add_months(date(2027, 6, 30), 6) == date(2027, 12, 30)
    assert add_months(date(2027, 12, 31), 6) == date(2028, 6, 30)


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


def test_BLK_5_days_are_shanghai_days_and_moments_are_stored_in_utc_to_the_second():
    from portal.domain.timeutil import shanghai_day, to_iso

    assert shanghai_day(datetime(2027, 7, 14, 16, 0, tzinfo=UTC)) == date(2027, 7, 15)  # 00:00 in Shanghai
    assert shanghai_day(datetime(2027, 7, 14, 15, 59, 59, tzinfo=UTC)) == date(2027, 7, 14)
    assert to_iso(datetime(2027, 7, 15, 0, 0, 30, 999999, tzinfo=SHANGHAI)) == "2027-07-14T16:00:30Z"


def test_BLK_5_stored_moments_do_not_depend_on_the_servers_own_time_zone(monkeypatch):
    import time

    from portal.domain.timeutil import to_iso

    monkeypatch.setenv("TZ", "America/New_York")  # a developer's machine; Lambda runs in UTC
    time.tzset()
    try:
        assert to_iso(datetime(2027, 7, 15, 0, 0, tzinfo=SHANGHAI)) == "2027-07-14T16:00:00Z"
    finally:
        monkeypatch.undo()
        time.tzset()
