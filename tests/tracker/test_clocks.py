"""The clock functions alone: targets on the real Chinese calendar, ladder order, pause credit."""

from datetime import datetime, timedelta, timezone

from services.tracker import clocks
from tests.tracker.helpers import context

CTX = context()
SH = CTX.tz


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(timezone.utc)


def test_first_reply_counts_calendar_hours_and_ladder_is_in_order():
    c = clocks.start(1, "first_reply", at(2026, 9, 30, 10), CTX.policy, CTX.calendar)
    assert c.due_at == at(2026, 10, 1, 10)
    assert (c.next_level, c.next_fire_at) == ("warning", c.warn_at)
    assert c.warn_at == at(2026, 9, 30, 10) + timedelta(hours=24 * 0.8)
    clocks.advance(c, CTX.policy)
    assert (c.next_level, c.next_fire_at) == ("breach", c.due_at)
    clocks.advance(c, CTX.policy)
    assert c.next_level == "leadership" and c.next_fire_at == c.due_at + CTX.policy.leadership_delay
    clocks.advance(c, CTX.policy)
    assert c.next_level is None and c.next_fire_at is None


def test_resolution_counts_working_days_across_national_day_2026():
    # 2026-09-30 is a Wednesday; 1–7 October are the holiday and Saturday 10 October is a make-up working day.
    c = clocks.start(1, "resolution", at(2026, 9, 30, 10), CTX.policy, CTX.calendar)
    assert c.due_at.astimezone(SH) == at(2026, 10, 9, 10).astimezone(SH)


def test_pause_credits_the_paused_time_back():
    start = at(2026, 11, 23, 9)  # a Monday
    c = clocks.start(1, "resolution", start, CTX.policy, CTX.calendar)
    original_due = c.due_at
    clocks.pause(c, at(2026, 11, 23, 15))
    assert c.next_fire_at is None
    clocks.resume(c, at(2026, 11, 24, 15), CTX.policy, CTX.calendar)  # one working day paused
    assert c.due_at == original_due + timedelta(days=1)
    assert c.next_fire_at == c.warn_at


def test_pause_over_a_weekend_costs_no_working_time():
    c = clocks.start(1, "resolution", at(2026, 11, 26, 9), CTX.policy, CTX.calendar)  # Thursday
    due = c.due_at
    clocks.pause(c, at(2026, 11, 28, 10))  # Saturday
    clocks.resume(c, at(2026, 11, 29, 20), CTX.policy, CTX.calendar)  # Sunday
    assert c.due_at == due


def test_stop_and_remaining():
    c = clocks.start(1, "first_reply", at(2026, 11, 23, 9), CTX.policy, CTX.calendar)
    assert clocks.remaining(c, at(2026, 11, 23, 21), CTX.calendar) == timedelta(hours=12)
    assert clocks.remaining(c, at(2026, 11, 24, 10), CTX.calendar) == -timedelta(hours=1)
    clocks.stop(c, at(2026, 11, 23, 12))
    assert c.state == "met" and c.next_fire_at is None
