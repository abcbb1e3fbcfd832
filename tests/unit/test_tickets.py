"""CMP-2/3, RGT-2: ticket lifecycle and SLA clocks on China's working days."""

from datetime import UTC, date, datetime

from portal.domain.grading import Grade
from portal.domain.tickets import Sla, Status, after_working_days, is_working_day, queue_key, staff_may_move
from portal.domain.timeutil import SHANGHAI


def test_CMP_2_working_days_follow_the_published_adjustments_then_weekdays():
    assert not is_working_day(date(2026, 10, 1))  # National Day
    assert is_working_day(date(2026, 12, 1))
    assert not is_working_day(date(2027, 1, 2)) and is_working_day(date(2027, 1, 4))  # 2027: Mon–Fri


def test_CMP_2_due_times_count_working_days_in_shanghai():
    friday = datetime(2026, 11, 27, 10, tzinfo=SHANGHAI)
    assert after_working_days(friday, 1) == datetime(2026, 11, 30, 23, 59, 59, tzinfo=SHANGHAI)
    assert after_working_days(friday, 0) == datetime(2026, 11, 27, 23, 59, 59, tzinfo=SHANGHAI)
    saturday = datetime(2026, 11, 28, 10, tzinfo=SHANGHAI)
    assert after_working_days(saturday, 0).date() == date(2026, 11, 30)


def test_CMP_2_an_sla_across_national_day_skips_the_holiday():
    eve = datetime(2026, 9, 30, 10, tzinfo=SHANGHAI)  # Wednesday; 1–7 October 2026 are days off
    assert after_working_days(eve, 1) == datetime(2026, 10, 8, 23, 59, 59, tzinfo=SHANGHAI)
    assert after_working_days(eve, 0) == datetime(2026, 9, 30, 23, 59, 59, tzinfo=SHANGHAI)
    holiday = datetime(2026, 10, 2, 10, tzinfo=SHANGHAI)  # filed on a holiday Friday: the clock starts on the 8th
    assert after_working_days(holiday, 0) == datetime(2026, 10, 8, 23, 59, 59, tzinfo=SHANGHAI)


def test_CMP_2_an_adjusted_working_weekend_tiao_xiu_counts_as_a_working_day():
    assert is_working_day(date(2026, 10, 10)) and date(2026, 10, 10).weekday() == 5  # Saturday, 调休
    assert is_working_day(date(2026, 9, 20)) and date(2026, 9, 20).weekday() == 6  # Sunday, 调休
    friday = datetime(2026, 10, 9, 10, tzinfo=SHANGHAI)
    assert after_working_days(friday, 1) == datetime(2026, 10, 10, 23, 59, 59, tzinfo=SHANGHAI)
    assert after_working_days(friday, 2) == datetime(2026, 10, 12, 23, 59, 59, tzinfo=SHANGHAI)
    saturday = datetime(2026, 10, 10, 9, tzinfo=SHANGHAI)
    assert after_working_days(saturday, 0) == datetime(2026, 10, 10, 23, 59, 59, tzinfo=SHANGHAI)


def test_RGT_2_vip_gets_shorter_slas_and_sorts_first():
    sla = Sla()
    assert sla.for_grade(Grade.VIP) == (0, 3) and sla.for_grade(Grade.QUALIFIED) == (1, 5)
    due = datetime(2026, 12, 1, 23, 59, 59, tzinfo=SHANGHAI)
    later = datetime(2026, 12, 3, 23, 59, 59, tzinfo=SHANGHAI)
    assert sorted([queue_key(3, due, "a"), queue_key(1, later, "b")])[0].endswith("#b")


def test_CMP_3_only_the_customer_closes_staff_move_forward():
    assert staff_may_move(Status.SUBMITTED, Status.ACKNOWLEDGED)
    assert staff_may_move(Status.IN_PROGRESS, Status.RESOLVED)
    assert not staff_may_move(Status.RESOLVED, Status.CLOSED)
    assert not staff_may_move(Status.CLOSED, Status.IN_PROGRESS)


def test_file_sizes_read_the_same_in_both_languages():
    from portal.web.labels import file_size

    assert [file_size(n) for n in (None, 408, 1536, 10 * 1024 * 1024)] == ["0 B", "408 B", "1.5 KB", "10.0 MB"]


def test_CMP_2_the_clock_starts_on_the_shanghai_day_and_on_the_first_working_day_after_a_day_off():
    late_utc = datetime(2026, 11, 26, 17, tzinfo=UTC)  # Thursday 17:00 UTC is Friday 01:00 in Shanghai
    assert after_working_days(late_utc, 0) == datetime(2026, 11, 27, 23, 59, 59, tzinfo=SHANGHAI)
    sunday = datetime(2026, 11, 29, 10, tzinfo=SHANGHAI)
    assert after_working_days(sunday, 0) == datetime(2026, 11, 30, 23, 59, 59, tzinfo=SHANGHAI)
    assert after_working_days(sunday, 1) == datetime(2026, 12, 1, 23, 59, 59, tzinfo=SHANGHAI)


def test_CMP_2_without_vip_times_a_vip_gets_the_departments_times():
    sla = Sla(first_response_days=2, resolution_days=7, vip_first_response_days=None, vip_resolution_days=None)
    assert sla.for_grade(Grade.VIP) == (2, 7) and sla.for_grade(Grade.PREFERRED) == (2, 7)
    assert Sla(vip_first_response_days=0, vip_resolution_days=None).for_grade(Grade.VIP) == (0, 5)
    assert sla.for_grade(None) == (2, 7)  # a company ticket's customer may stand nowhere


def test_RGT_2_the_queue_key_is_rank_then_the_due_time_in_shanghai_then_the_ticket():
    due = datetime(2026, 12, 1, 15, 59, 59, tzinfo=UTC)  # 23:59:59 on 1 December in Shanghai
    assert queue_key(1, due, "01TICKET") == "1#20261201235959#01TICKET"
