"""Hold what the tracker's rules need besides the database: policy, calendar, recipients and the time zone."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from services.tracker.calendar import BusinessCalendar
from services.tracker.clocks import Policy

SEVERITY_RANK = {"general": 0, "important": 1, "major": 2}


@dataclass(frozen=True)
class TrackerContext:
    policy: Policy
    calendar: BusinessCalendar
    leadership: tuple[str, ...]
    leads: tuple[str, ...]
    mail_from: str
    company: str = "ComplaintDesk"

    @property
    def tz(self) -> ZoneInfo:
        return self.calendar.tz

    @property
    def domain(self) -> str:
        return self.mail_from.rpartition("@")[2] or "complaintdesk.local"

    @classmethod
    def from_settings(cls, s) -> "TrackerContext":
        cal = BusinessCalendar.build(tz=s.timezone, country=s.calendar_country,
                                     hours=s.business_hours or None,
                                     override_file=s.calendar_override_file or None)
        return cls(policy=Policy.from_settings(s), calendar=cal, leadership=tuple(s.leadership_emails),
                   leads=tuple(s.lead_emails), mail_from=s.mail_from)
