"""Decide whether a date is a working day: a country's official calendar plus the company's overrides.

Sources, in order:

* country ``"CN"`` (the default): the ``chinese_calendar`` package (pip package
  ``chinesecalendar``), which knows the official State Council schedule including the
  make-up working days (调休) that fall on Saturdays and Sundays.  It only covers the
  years it ships data for (2004-2026 in chinesecalendar 1.11) and raises
  ``NotImplementedError`` for any other year; for those years this module falls back
  to the ``holidays`` package's CN calendar plus weekends (and the weekend working days
  that package knows).  For future years that fallback is the package's rule-based
  estimate, not the official schedule, which is usually published in November of the
  year before: upgrade chinesecalendar or list the days in an override file.
* any other country: ``holidays.country_holidays(code, subdiv=...)`` plus that
  country's weekend (Saturday and Sunday almost everywhere).  A subdivision is written
  after a dash, e.g. ``"DE-BY"`` or ``"US-NY"``.
* an optional TOML override file with company days off and extra working days::

      days_off = ["2026-12-31"]
      working_days = ["2026-10-10"]
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import chinese_calendar
import holidays

_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OVERRIDE_KEYS = ("days_off", "working_days")


class CalendarError(ValueError):
    """A calendar setting, override file or argument is invalid."""


def normalise_country(country: str) -> str:
    if not isinstance(country, str) or not country.strip():
        raise CalendarError(f"country {country!r} must be a code such as 'CN' or 'DE-BY'")
    code, dash, subdiv = country.strip().partition("-")
    return code.upper() + dash + subdiv


@lru_cache(maxsize=None)
def _holiday_table(country: str) -> holidays.HolidayBase:
    code, _, subdiv = country.partition("-")
    try:
        return holidays.country_holidays(code, subdiv=subdiv or None)
    except NotImplementedError as exc:
        raise CalendarError(f"unknown country or subdivision {country!r}: {exc}") from exc


def check_country(country: str) -> None:
    """Raise CalendarError unless the holidays package knows the country (and subdivision)."""
    _holiday_table(country)


@lru_cache(maxsize=1 << 16)
def official_working_day(country: str, d: date) -> bool:
    if country == "CN":
        try:
            return bool(chinese_calendar.is_workday(d))
        except NotImplementedError:
            pass  # year outside chinesecalendar's data: use the holidays package instead
    table = _holiday_table(country)
    # ``d in table`` must come first: it makes the package compute that year, which
    # also fills in its weekend working days.
    off = d in table or d.weekday() in table.weekend
    return not off or d in getattr(table, "weekend_workdays", ())


def load_override_file(path: str | Path) -> tuple[frozenset[date], frozenset[date]]:
    """Read ``(days_off, working_days)`` from a TOML override file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CalendarError(f"calendar override file {path}: cannot read it ({exc.strerror})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CalendarError(f"calendar override file {path}: not valid TOML ({exc})") from exc
    unknown = sorted(set(data) - set(_OVERRIDE_KEYS))
    if unknown:
        raise CalendarError(
            f"calendar override file {path}: unknown key(s) {', '.join(unknown)}; "
            f"expected {' and '.join(_OVERRIDE_KEYS)}"
        )
    days_off = _override_dates(path, "days_off", data.get("days_off", []))
    working = _override_dates(path, "working_days", data.get("working_days", []))
    both = days_off & working
    if both:
        raise CalendarError(
            f"calendar override file {path}: {min(both)} is in both days_off and working_days"
        )
    return days_off, working


def _override_dates(path: Path, key: str, entries: object) -> frozenset[date]:
    if not isinstance(entries, list):
        raise CalendarError(f"calendar override file {path}: {key} must be a list of dates")
    return frozenset(_override_date(path, key, entry) for entry in entries)


def _override_date(path: Path, key: str, entry: object) -> date:
    # TOML has a native date type (days_off = [2026-12-31]); quoted ISO strings are
    # accepted too because they are what most people write.
    if isinstance(entry, date) and not isinstance(entry, datetime):
        return entry
    if isinstance(entry, str) and _ISO_DATE_RE.fullmatch(entry):
        try:
            return date.fromisoformat(entry)
        except ValueError:
            pass
    raise CalendarError(
        f"calendar override file {path}: {key} entry {entry!r} is not a date (expected YYYY-MM-DD)"
    )
