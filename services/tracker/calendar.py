"""Compute SLA deadlines and elapsed working time on a company's working-day calendar.

Working time is the union of half-open intervals ``[day start, day end)`` in local wall
time on working days: the whole day (00:00 to the next 00:00) or, when business hours
are set, ``work_start`` to ``work_end``.  Which days are working days comes from ``services.tracker.workdays`` (the official calendar
of a country, make-up working days included, and the company's override file).

All public functions are pure.  All instants must be
timezone-aware; results are returned in the calendar's timezone.  Internally instants
are integer microseconds since the Unix epoch, so arithmetic is exact and independent
of daylight-saving changes, while days are laid out in local wall time so that a
working day containing a DST change is 23 or 25 hours long in whole-day mode.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.tracker.workdays import (CalendarError, check_country, load_override_file, normalise_country,
                                       official_working_day)

__all__ = ["BusinessCalendar", "CalendarError", "load_override_file"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_US = timedelta(microseconds=1)
_ONE_DAY = timedelta(days=1)
_WHOLE_DAY = timedelta(hours=24)
# A calendar with no working day for more than a year is certainly misconfigured, and
# without this bound a search for the next working interval would never end.
_MAX_IDLE_DAYS = 400
_HOURS_RE = re.compile(r"\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*")


@dataclass(frozen=True)
class BusinessCalendar:
    """A working-day calendar in one timezone, with optional business hours."""

    tz: ZoneInfo
    country: str = "CN"
    work_start: time | None = None
    work_end: time | None = None
    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    # Per-day working interval (or None), filled lazily.  It is excluded from equality
    # and hashing because it is derived entirely from the other fields.
    _spans: dict[date, tuple[int, int] | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if isinstance(self.tz, str):
            object.__setattr__(self, "tz", _zone(self.tz))
        elif not isinstance(self.tz, tzinfo):
            raise CalendarError(f"timezone {self.tz!r} is not a tzinfo or zone name")
        object.__setattr__(self, "country", normalise_country(self.country))
        check_country(self.country)  # raises CalendarError for an unknown country
        _check_hours(self.work_start, self.work_end)
        object.__setattr__(self, "extra_days_off", frozenset(self.extra_days_off))
        object.__setattr__(self, "extra_working_days", frozenset(self.extra_working_days))
        both = self.extra_days_off & self.extra_working_days
        if both:
            raise CalendarError(f"{min(both)} is both an extra day off and an extra working day")

    @classmethod
    def build(
        cls,
        tz: str = "Asia/Shanghai",
        country: str = "CN",
        hours: str | None = None,
        override_file: str | Path | None = None,
    ) -> BusinessCalendar:
        """Build a calendar from settings strings, e.g. ``hours="09:00-18:00"``."""
        start, end = _parse_hours(hours)
        days_off, working_days = (
            load_override_file(override_file) if override_file else (frozenset(), frozenset())
        )
        return cls(_zone(tz), country, start, end, days_off, working_days)

    # -- days -------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """Whether the local calendar day ``d`` is a working day."""
        if isinstance(d, datetime):
            d = self._local(d, "d").date()
        if d in self.extra_days_off:
            return False
        if d in self.extra_working_days:
            return True
        return official_working_day(self.country, d)

    @property
    def working_day_length(self) -> timedelta:
        """Nominal length of one working day: 24 hours, or the business hours."""
        if self.work_start is None or self.work_end is None:
            return _WHOLE_DAY
        day = date(2000, 1, 3)
        return datetime.combine(day, self.work_end) - datetime.combine(day, self.work_start)

    # -- instants ---------------------------------------------------------------

    def is_working_time(self, t: datetime) -> bool:
        """Whether the instant ``t`` lies inside a working interval."""
        return self.next_working_time(t) == t

    def next_working_time(self, t: datetime) -> datetime:
        """``t`` itself if it is working time, else the start of the next working interval."""
        local = self._local(t, "t")
        return self._from_us(self._walk(local, 0))

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant at which ``amount`` of working time has elapsed after ``start``.

        A start inside non-working time begins counting at the next working interval.
        A deadline that uses up an interval exactly ends at that interval's end (e.g.
        18:00), not at the start of the next one.  A zero amount returns ``start``
        unchanged, even outside working time: "at once" means now, and this keeps
        ``add(add(s, x), y) == add(s, x + y)`` true for every ``x`` and ``y``.
        """
        local = self._local(start, "start")
        left = _amount_us(amount)
        return local if left == 0 else self._from_us(self._walk(local, left))

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """``start`` plus ``n`` working days, each ``working_day_length`` of working time.

        In whole-day mode Friday 15:00 + 1 is Monday 15:00 before a normal weekend, and
        Saturday 10:00 + 1 is Tuesday 00:00 (the end of Monday).
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise CalendarError(f"number of working days {n!r} must be a non-negative integer")
        return self.add_working_time(start, n * self.working_day_length)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """``start`` plus ``hours`` hours of working time."""
        if isinstance(hours, bool) or not isinstance(hours, (int, float)):
            raise CalendarError(f"working hours {hours!r} must be a number")
        if not math.isfinite(hours) or hours < 0:
            raise CalendarError(f"working hours {hours!r} must be finite and not negative")
        return self.add_working_time(start, timedelta(hours=hours))

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time inside ``[a, b)``; zero when ``b <= a``."""
        local_a = self._local(a, "a")
        lo, hi = _to_us(local_a), _to_us(self._local(b, "b"))
        if hi <= lo:
            return timedelta(0)
        total = 0
        for begin, end in self._spans_from(local_a.date()):
            if begin >= hi:
                break
            total += max(0, min(end, hi) - max(begin, lo))
        return timedelta(microseconds=total)

    # -- internals --------------------------------------------------------------

    def _local(self, t: datetime, name: str) -> datetime:
        # Naive datetimes are rejected rather than guessed: a deadline that silently
        # assumed the server's timezone would be hours off.
        if not isinstance(t, datetime):
            raise CalendarError(f"{name}={t!r} is not a datetime")
        if t.tzinfo is None or t.utcoffset() is None:
            raise CalendarError(f"{name}={t.isoformat()} is naive; a timezone-aware datetime is required")
        return t.astimezone(self.tz)

    def _walk(self, local: datetime, left: int) -> int:
        """The instant at which ``left`` microseconds of working time follow ``local``."""
        now = _to_us(local)
        for begin, end in self._spans_from(local.date()):
            begin = max(begin, now)
            if begin >= end:
                continue  # this interval is already over at ``local``
            if left <= end - begin:
                return begin + left
            left -= end - begin
        raise AssertionError("unreachable: _spans_from never ends")

    def _from_us(self, us: int) -> datetime:
        return (_EPOCH + us * _US).astimezone(self.tz)

    def _spans_from(self, d: date) -> Iterator[tuple[int, int]]:
        """Working intervals, in microseconds, of the working days from ``d`` onwards."""
        idle = 0
        while True:
            span = self._span(d)
            d += _ONE_DAY
            if span is not None:
                idle = 0
                yield span
            elif (idle := idle + 1) > _MAX_IDLE_DAYS:
                raise CalendarError(f"no working day in the {_MAX_IDLE_DAYS} days before {d}")

    def _span(self, d: date) -> tuple[int, int] | None:
        try:
            return self._spans[d]
        except KeyError:
            span = self._compute_span(d) if self.is_working_day(d) else None
            self._spans[d] = span
            return span

    def _compute_span(self, d: date) -> tuple[int, int] | None:
        # Both ends are built from local wall time, so a day with a DST change gets its
        # true length; converting to UTC microseconds then makes subtraction exact.
        if self.work_start is None or self.work_end is None:
            begin = datetime.combine(d, time(0), self.tz)
            end = datetime.combine(d + _ONE_DAY, time(0), self.tz)
        else:
            begin = datetime.combine(d, self.work_start, self.tz)
            end = datetime.combine(d, self.work_end, self.tz)
        begin_us, end_us = _to_us(begin), _to_us(end)
        # Business hours that fall into a DST gap can collapse; such a day has no time.
        return (begin_us, end_us) if begin_us < end_us else None


# -- module helpers --------------------------------------------------------------


def _to_us(t: datetime) -> int:
    return (t - _EPOCH) // _US


def _amount_us(amount: timedelta) -> int:
    if not isinstance(amount, timedelta):
        raise CalendarError(f"amount {amount!r} is not a timedelta")
    if amount < timedelta(0):
        raise CalendarError(f"amount {amount} is negative; deadlines only move forward")
    return amount // _US


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise CalendarError(f"unknown timezone {name!r}") from exc


def _parse_hours(hours: str | None) -> tuple[time | None, time | None]:
    # An empty setting means the same as no setting: whole working days.
    if hours is None or not hours.strip():
        return None, None
    match = _HOURS_RE.fullmatch(hours)
    if not match:
        raise CalendarError(f"business hours {hours!r} must look like '09:00-18:00'")
    h1, m1, h2, m2 = map(int, match.groups())
    try:
        start, end = time(h1, m1), time(h2, m2)
    except ValueError as exc:
        raise CalendarError(f"business hours {hours!r}: {exc}") from exc
    _check_hours(start, end, hours)
    return start, end


def _check_hours(start: time | None, end: time | None, text: str | None = None) -> None:
    shown = text or f"{start}-{end}"
    if (start is None) != (end is None):
        raise CalendarError(f"business hours {shown!r}: give both a start and an end, or neither")
    if start is not None and end is not None:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise CalendarError(f"business hours {shown!r} must be local times without tzinfo")
        if start >= end:
            raise CalendarError(
                f"business hours {shown!r}: start must be before end (overnight hours are not supported)"
            )


