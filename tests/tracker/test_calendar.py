"""Tests for the working-day calendar, against the real chinesecalendar and holidays data."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.tracker.calendar import BusinessCalendar, CalendarError, load_override_file

SH = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
H = timedelta(hours=1)


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


@pytest.fixture(scope="module")
def cn() -> BusinessCalendar:
    return BusinessCalendar.build()


@pytest.fixture(scope="module")
def cn_hours() -> BusinessCalendar:
    return BusinessCalendar.build(hours="09:00-18:00")


# -- the official Chinese calendar ----------------------------------------------------


@pytest.mark.parametrize(
    ("off_first", "off_last", "make_up_days"),
    [
        # National Day + Mid-Autumn 2025: Wed 1 Oct to Wed 8 Oct; make-up Sun 28 Sep, Sat 11 Oct.
        (date(2025, 10, 1), date(2025, 10, 8), [date(2025, 9, 28), date(2025, 10, 11)]),
        # National Day 2026: Thu 1 Oct to Wed 7 Oct; make-up Sun 20 Sep, Sat 10 Oct.
        (date(2026, 10, 1), date(2026, 10, 7), [date(2026, 9, 20), date(2026, 10, 10)]),
        # Spring Festival 2025: Tue 28 Jan to Tue 4 Feb; make-up Sun 26 Jan, Sat 8 Feb.
        (date(2025, 1, 28), date(2025, 2, 4), [date(2025, 1, 26), date(2025, 2, 8)]),
        # Spring Festival 2026: Sun 15 Feb to Mon 23 Feb; make-up Sat 14 Feb, Sat 28 Feb.
        (date(2026, 2, 15), date(2026, 2, 23), [date(2026, 2, 14), date(2026, 2, 28)]),
    ],
)
def test_official_holiday_weeks(cn, off_first, off_last, make_up_days):
    assert not any(cn.is_working_day(d) for d in days(off_first, off_last))
    assert cn.is_working_day(off_first - timedelta(1))
    assert cn.is_working_day(off_last + timedelta(1))
    for d in make_up_days:
        assert d.weekday() >= 5, f"{d} is a make-up day on a weekend"
        assert cn.is_working_day(d)


def test_ordinary_weekend_and_weekday(cn):
    assert cn.is_working_day(date(2025, 11, 14))  # Friday
    assert not cn.is_working_day(date(2025, 11, 15))  # Saturday
    assert not cn.is_working_day(date(2025, 11, 16))  # Sunday


def test_years_outside_chinesecalendar_fall_back_to_holidays_package(cn):
    # chinesecalendar will not ship data for 2099 any time soon, so this exercises the
    # fallback: the holidays package's CN calendar plus weekends.
    assert not cn.is_working_day(date(2099, 10, 1))  # National Day
    assert not cn.is_working_day(date(2099, 1, 1))  # New Year's Day
    assert not cn.is_working_day(date(2099, 3, 14))  # Saturday
    assert cn.is_working_day(date(2099, 3, 11))  # ordinary Wednesday
    assert cn.add_working_days(sh(2099, 3, 13, 15), 1) == sh(2099, 3, 16, 15)


# -- deadlines in whole-day mode ------------------------------------------------------


def test_deadline_spanning_national_day(cn):
    # Tue 30 Sep 10:00: 14 h that day, then nothing until Thu 9 Oct (24 h), then 10 h.
    assert cn.add_working_days(sh(2025, 9, 30, 10), 2) == sh(2025, 10, 10, 10)
    assert cn.working_time_between(sh(2025, 9, 30, 10), sh(2025, 10, 10, 10)) == 48 * H


def test_make_up_sunday_counts_as_working_day(cn):
    # Saturday 27 Sep 2025 is off, but Sunday 28 Sep is a make-up working day.
    assert cn.add_working_days(sh(2025, 9, 27, 10), 1) == sh(2025, 9, 29, 0)
    assert cn.next_working_time(sh(2025, 9, 27, 10)) == sh(2025, 9, 28, 0)


def test_friday_afternoon_plus_one_working_day(cn):
    assert cn.add_working_days(sh(2025, 11, 14, 15), 1) == sh(2025, 11, 17, 15)


def test_saturday_plus_one_working_day_is_end_of_monday(cn):
    assert cn.add_working_days(sh(2025, 11, 15, 10), 1) == sh(2025, 11, 18, 0)


def test_results_are_in_calendar_timezone_whatever_the_input(cn):
    start = datetime(2025, 11, 14, 7, tzinfo=timezone.utc)  # 15:00 in Shanghai
    result = cn.add_working_days(start, 1)
    assert result == sh(2025, 11, 17, 15)
    assert result.tzinfo == SH
    assert result.utcoffset() == 8 * H


def test_zero_amount_is_start_itself_even_outside_working_time(cn):
    # "At once" (the acknowledgement clock) must not wait for Monday.
    assert cn.add_working_time(sh(2025, 11, 14, 15), timedelta(0)) == sh(2025, 11, 14, 15)
    assert cn.add_working_days(sh(2025, 11, 15, 10), 0) == sh(2025, 11, 15, 10)
    assert cn.next_working_time(sh(2025, 11, 15, 10)) == sh(2025, 11, 17, 0)
    assert cn.is_working_time(sh(2025, 11, 14, 23, 59))
    assert not cn.is_working_time(sh(2025, 11, 15, 0))


def test_working_time_between(cn):
    assert cn.working_time_between(sh(2025, 11, 14, 15), sh(2025, 11, 17, 15)) == 24 * H
    assert cn.working_time_between(sh(2025, 11, 17, 15), sh(2025, 11, 14, 15)) == timedelta(0)
    # A whole month: October 2025 has 23 weekdays, 6 of them holidays (1-3, 6-8 Oct),
    # plus the make-up Saturday 11 Oct: 18 working days.
    assert cn.working_time_between(sh(2025, 10, 1), sh(2025, 11, 1)) == 18 * 24 * H


# -- business hours -------------------------------------------------------------------


def test_business_hours_overflow_to_next_working_day(cn_hours):
    assert cn_hours.add_working_hours(sh(2025, 11, 13, 17), 2) == sh(2025, 11, 14, 10)
    assert cn_hours.add_working_hours(sh(2025, 11, 14, 17), 2) == sh(2025, 11, 17, 10)
    assert cn_hours.add_working_hours(sh(2025, 9, 30, 17), 2) == sh(2025, 10, 9, 10)


def test_business_hours_deadline_ends_at_close_not_next_morning(cn_hours):
    assert cn_hours.add_working_hours(sh(2025, 11, 13, 17), 1) == sh(2025, 11, 13, 18)


def test_business_hours_start_outside_hours(cn_hours):
    assert cn_hours.add_working_hours(sh(2025, 11, 13, 7), 1) == sh(2025, 11, 13, 10)
    assert cn_hours.add_working_hours(sh(2025, 11, 13, 20), 1) == sh(2025, 11, 14, 10)
    assert cn_hours.next_working_time(sh(2025, 11, 13, 18)) == sh(2025, 11, 14, 9)
    assert not cn_hours.is_working_time(sh(2025, 11, 13, 18))
    assert cn_hours.is_working_time(sh(2025, 11, 13, 9))


def test_business_hours_working_days_use_length_of_working_day(cn_hours):
    assert cn_hours.working_day_length == 9 * H
    assert cn_hours.add_working_days(sh(2025, 11, 14, 15), 1) == sh(2025, 11, 17, 15)
    assert cn_hours.working_time_between(sh(2025, 11, 14, 0), sh(2025, 11, 18, 0)) == 18 * H


# -- override file --------------------------------------------------------------------


def write(tmp_path, text: str):
    path = tmp_path / "calendar.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_override_file_adds_days_off_and_working_days(tmp_path):
    path = write(tmp_path, 'days_off = ["2026-12-31"]\nworking_days = ["2026-10-03", 2026-11-07]\n')
    cal = BusinessCalendar.build(override_file=path)
    assert not cal.is_working_day(date(2026, 12, 31))  # normally a Thursday at work
    assert cal.is_working_day(date(2026, 10, 3))  # a Saturday inside National Day
    assert cal.is_working_day(date(2026, 11, 7))  # native TOML date, a Saturday
    assert cal.add_working_days(sh(2026, 12, 30, 12), 1) == sh(2027, 1, 4, 12)


def test_override_file_is_optional_and_may_be_partial(tmp_path):
    cal = BusinessCalendar.build(override_file=write(tmp_path, 'days_off = ["2026-12-31"]\n'))
    assert cal.extra_working_days == frozenset()
    assert load_override_file(write(tmp_path, "")) == (frozenset(), frozenset())


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('days_off = ["2026-13-01"]', "2026-13-01"),
        ('working_days = ["2026-10-10", "next friday"]', "next friday"),
        ('days_off = ["20261231"]', "20261231"),
        ("days_off = [20261231]", "20261231"),
        ('days_off = "2026-12-31"', "days_off"),
        ('holidays = ["2026-12-31"]', "holidays"),
        ('days_off = ["2026-12-31"]\nworking_days = ["2026-12-31"]', "2026-12-31"),
        ("days_off = [", "TOML"),
    ],
)
def test_bad_override_file_names_file_and_entry(tmp_path, text, named):
    path = write(tmp_path, text)
    with pytest.raises(CalendarError) as err:
        BusinessCalendar.build(override_file=path)
    assert str(path) in str(err.value)
    assert named in str(err.value)


def test_missing_override_file(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(CalendarError, match="nope.toml"):
        BusinessCalendar.build(override_file=path)


# -- bad settings and arguments -------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"tz": "Mars/Olympus_Mons"}, "Mars/Olympus_Mons"),
        ({"tz": ""}, "''"),
        ({"hours": "9-18"}, "9-18"),
        ({"hours": "18:00-09:00"}, "18:00-09:00"),
        ({"hours": "09:00-09:00"}, "09:00-09:00"),
        ({"hours": "09:00-25:00"}, "09:00-25:00"),
        ({"hours": "09:75-18:00"}, "09:75-18:00"),
        ({"country": "XX"}, "XX"),
        ({"country": "DE-ZZ"}, "DE-ZZ"),
        ({"country": ""}, "''"),
    ],
)
def test_bad_settings_raise_calendar_error_naming_value(kwargs, named):
    with pytest.raises(CalendarError) as err:
        BusinessCalendar.build(**kwargs)
    assert named in str(err.value)
    assert isinstance(err.value, ValueError)


def test_good_settings_variants():
    cal = BusinessCalendar.build(tz="Europe/Berlin", country="de-BY", hours=" 8:30 – 17:00 ")
    assert cal.country == "DE-BY"
    assert (cal.work_start, cal.work_end) == (time(8, 30), time(17, 0))
    assert not cal.is_working_day(date(2025, 1, 6))  # Epiphany, Bavaria only
    assert BusinessCalendar.build(country="DE").is_working_day(date(2025, 1, 6))
    assert BusinessCalendar.build(hours="").work_start is None


def test_direct_construction_is_validated():
    assert BusinessCalendar(tz="Asia/Shanghai").tz == SH  # type: ignore[arg-type]
    with pytest.raises(CalendarError):
        BusinessCalendar(tz=SH, work_start=time(9))
    with pytest.raises(CalendarError):
        BusinessCalendar(tz=SH, extra_days_off=frozenset({date(2026, 1, 5)}),
                         extra_working_days=frozenset({date(2026, 1, 5)}))


def test_naive_and_negative_inputs_rejected(cn):
    naive = datetime(2025, 11, 14, 15)
    with pytest.raises(CalendarError, match="naive"):
        cn.add_working_days(naive, 1)
    with pytest.raises(CalendarError, match="naive"):
        cn.working_time_between(sh(2025, 11, 14), naive)
    with pytest.raises(CalendarError, match="naive"):
        cn.is_working_time(naive)
    with pytest.raises(CalendarError):
        cn.add_working_time(sh(2025, 11, 14), -H)
    with pytest.raises(CalendarError):
        cn.add_working_days(sh(2025, 11, 14), -1)
    with pytest.raises(CalendarError):
        cn.add_working_hours(sh(2025, 11, 14), float("nan"))


# -- daylight saving time -------------------------------------------------------------


def test_berlin_working_day_with_dst_change_is_23_or_25_hours():
    # Both DST changes fall on Sundays; make them company working days to see them.
    cal = BusinessCalendar(
        tz=BERLIN, country="DE", extra_working_days=frozenset({date(2025, 3, 30), date(2025, 10, 26)})
    )
    spring, autumn = datetime(2025, 3, 30, tzinfo=BERLIN), datetime(2025, 10, 26, tzinfo=BERLIN)
    assert cal.working_time_between(spring, datetime(2025, 3, 31, tzinfo=BERLIN)) == 23 * H
    assert cal.working_time_between(autumn, datetime(2025, 10, 27, tzinfo=BERLIN)) == 25 * H
    # The whole 23-hour Sunday plus the start of Monday.
    assert cal.add_working_time(datetime(2025, 3, 29, 12, tzinfo=BERLIN), 23 * H) == datetime(
        2025, 3, 31, tzinfo=BERLIN
    )
    # A working day is 24 hours of working time, so across a 23-hour day it ends an hour into Monday.
    assert cal.add_working_days(datetime(2025, 3, 29, 12, tzinfo=BERLIN), 1) == datetime(
        2025, 3, 31, 1, tzinfo=BERLIN
    )
    assert cal.add_working_time(autumn, 25 * H) == datetime(2025, 10, 27, tzinfo=BERLIN)


def test_new_york_dst_days_and_ordinary_weekends():
    cal = BusinessCalendar.build(tz="America/New_York", country="US")
    fri = datetime(2025, 3, 7, 15, tzinfo=NEW_YORK)  # DST starts Sunday 9 March
    assert cal.add_working_days(fri, 1) == datetime(2025, 3, 10, 15, tzinfo=NEW_YORK)
    assert cal.add_working_days(fri, 1).utcoffset() == -4 * H
    extra = BusinessCalendar(tz=NEW_YORK, country="US",
                             extra_working_days=frozenset({date(2025, 3, 9), date(2025, 11, 2)}))
    assert extra.working_time_between(datetime(2025, 3, 9, tzinfo=NEW_YORK),
                                      datetime(2025, 3, 10, tzinfo=NEW_YORK)) == 23 * H
    assert extra.working_time_between(datetime(2025, 11, 2, tzinfo=NEW_YORK),
                                      datetime(2025, 11, 3, tzinfo=NEW_YORK)) == 25 * H
    assert not cal.is_working_day(date(2025, 7, 4))  # Independence Day, a Friday


# -- efficiency -----------------------------------------------------------------------


def test_long_ranges_iterate_per_day_not_per_minute(cn):
    # Ten years of whole working days: ~3650 day lookups, well under a second.
    total = cn.working_time_between(sh(2015, 1, 1), sh(2025, 1, 1))
    assert timedelta(days=2400) < total < timedelta(days=2500)
    assert cn.working_time_between(sh(2015, 1, 1), cn.add_working_time(sh(2015, 1, 1), total)) == total


# -- properties -----------------------------------------------------------------------

CALENDARS = [
    BusinessCalendar.build(),
    BusinessCalendar.build(hours="09:00-18:00"),
    # Sunday 30 March 2025, the day DST starts, made a working day of 23 hours.
    BusinessCalendar(tz=BERLIN, country="DE", extra_working_days=frozenset({date(2025, 3, 30)})),
    BusinessCalendar.build(tz="America/New_York", country="US", hours="08:00-17:30"),
]

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
calendars = st.sampled_from(CALENDARS)
instants = st.datetimes(
    min_value=datetime(2024, 12, 1), max_value=datetime(2027, 2, 1), timezones=st.just(timezone.utc)
)
amounts = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=12))


@PROPERTY
@given(calendars, instants, amounts)
def test_deadline_never_before_start(cal, start, amount):
    deadline = cal.add_working_time(start, amount)
    assert deadline >= start
    assert deadline.tzinfo == cal.tz


@PROPERTY
@given(calendars, instants, amounts)
def test_working_time_between_inverts_add_working_time(cal, start, amount):
    assert cal.working_time_between(start, cal.add_working_time(start, amount)) == amount


@PROPERTY
@given(calendars, instants, st.integers(0, 10), st.integers(0, 10))
def test_add_working_days_monotonic_in_n(cal, start, n, m):
    lo, hi = sorted((n, m))
    assert cal.add_working_days(start, lo) <= cal.add_working_days(start, hi)


@PROPERTY
@given(calendars, instants, instants, st.integers(0, 5))
def test_add_working_days_monotonic_in_start(cal, a, b, n):
    a, b = sorted((a, b))
    assert cal.add_working_days(a, n) <= cal.add_working_days(b, n)


@PROPERTY
@given(calendars, instants, instants, instants)
def test_working_time_between_is_additive(cal, a, b, c):
    a, b, c = sorted((a, b, c))
    assert cal.working_time_between(a, b) + cal.working_time_between(b, c) == cal.working_time_between(a, c)


@PROPERTY
@given(calendars, instants)
def test_next_working_time_is_working_and_skips_no_work(cal, t):
    nxt = cal.next_working_time(t)
    assert nxt >= t
    assert cal.is_working_time(nxt)
    assert cal.working_time_between(t, nxt) == timedelta(0)
    assert cal.is_working_time(t) == (nxt == t)
    assert cal.is_working_day(nxt.astimezone(cal.tz).date())


@PROPERTY
@given(calendars, instants, amounts, st.floats(0, 1), st.timedeltas(timedelta(0), timedelta(days=10)))
def test_pausing_never_shortens_remaining_time(cal, start, target, where, pause_length):
    deadline = cal.add_working_time(start, target)
    p0 = start + (deadline - start) * where
    p1 = p0 + pause_length
    paused = cal.working_time_between(p0, p1)
    extended = cal.add_working_time(deadline, paused)
    assert extended >= deadline
    # Extending afterwards is the same as asking for target + pause from the start,
    # and the clock's running time up to the new deadline, minus the pause, is the target.
    assert cal.add_working_time(start, target + paused) == extended
    assert cal.working_time_between(start, extended) - paused == target
