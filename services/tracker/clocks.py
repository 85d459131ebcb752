"""Start, pause, resume, stop and schedule SLA clocks: pure functions over a ``Clock`` row and a calendar.

A clock measures either calendar time or working time (SPEC §5 says which, per clock, in the
policy). Its ladder is the list of steps that fire when time runs on: a warning to the handler at
``WARNING_FRACTION`` of the target, the breach (escalated to the lead) at the deadline, and
leadership a set delay after the breach. ``next_level``/``next_fire_at`` always name the one step
due next, so the scheduler needs only the smallest ``next_fire_at`` over all clocks (an index).
Pausing stores nothing but the instant: on resume, the time that was left is measured from that
instant and laid out again from now, so paused time is credited back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.tracker.models import Clock

LADDER = ("warning", "breach", "leadership")


@dataclass(frozen=True)
class ClockPolicy:
    target: timedelta
    working: bool
    ladder: tuple[str, ...] = LADDER


@dataclass(frozen=True)
class Policy:
    clocks: dict[str, ClockPolicy]
    warning_fraction: float = 0.8
    leadership_delay: timedelta = timedelta(hours=4)
    # Which clocks a new case of each kind starts.
    by_kind: dict[str, tuple[str, ...]] = field(default_factory=lambda: {
        "complaint": ("first_reply", "resolution"), "inquiry": ("first_reply",), "feedback": ("first_reply",)})

    @classmethod
    def from_settings(cls, s) -> "Policy":
        return cls(clocks={
            "first_reply": ClockPolicy(timedelta(hours=s.first_reply_hours), working=False),
            "resolution": ClockPolicy(timedelta(days=s.resolution_working_days), working=True),
            "progress": ClockPolicy(timedelta(days=1), working=True, ladder=("warning", "breach")),
            "follow_up": ClockPolicy(timedelta(hours=24), working=False, ladder=("warning", "breach")),
            "evaluation": ClockPolicy(timedelta(days=7), working=True, ladder=("breach",)),
            # Reporting to leadership (002 §7): major at once, important within one working day.
            # The tracker reports at once, so these clocks are met when they start; they exist so
            # that compliance can be computed like any other promise.
            "leadership_major": ClockPolicy(timedelta(0), working=False, ladder=("breach",)),
            "leadership_important": ClockPolicy(timedelta(days=1), working=True, ladder=("breach",)),
        }, warning_fraction=s.warning_fraction, leadership_delay=timedelta(hours=s.leadership_escalation_hours))


def _add(cal, working: bool, start: datetime, amount: timedelta) -> datetime:
    return cal.add_working_time(start, amount) if working else start + amount


def deadline(name: str, start: datetime, policy: Policy, cal) -> datetime:
    """When clock ``name`` started at ``start`` falls due (what the acknowledgement promises)."""
    p = policy.clocks[name]
    return _add(cal, p.working, start, p.target)


def _measure(cal, working: bool, a: datetime, b: datetime) -> timedelta:
    if b <= a:
        return timedelta(0)
    return cal.working_time_between(a, b) if working else b - a


def start(case_id: int, name: str, now: datetime, policy: Policy, cal, round_: int = 1) -> Clock:
    p = policy.clocks[name]
    clock = Clock(case_id=case_id, name=name, round=round_, working=p.working,
                  target_seconds=p.target.total_seconds(), started_at=now,
                  due_at=deadline(name, now, policy, cal),
                  warn_at=_add(cal, p.working, now, p.target * policy.warning_fraction))
    clock.next_level = p.ladder[0] if p.ladder else None
    schedule(clock, policy)
    return clock


def level_time(clock: Clock, level: str, policy: Policy) -> datetime:
    if level == "warning":
        return clock.warn_at
    if level == "breach":
        return clock.due_at
    return clock.due_at + policy.leadership_delay


def schedule(clock: Clock, policy: Policy) -> None:
    """Point ``next_fire_at`` at the pending ladder step, or at nothing when the clock is not running."""
    if clock.state != "running" or clock.next_level is None:
        clock.next_fire_at = None
    else:
        clock.next_fire_at = level_time(clock, clock.next_level, policy)


def advance(clock: Clock, policy: Policy) -> None:
    """Move past the step that just fired."""
    ladder = policy.clocks[clock.name].ladder
    idx = ladder.index(clock.next_level)
    clock.next_level = ladder[idx + 1] if idx + 1 < len(ladder) else None
    schedule(clock, policy)


def pause(clock: Clock, now: datetime) -> None:
    clock.state, clock.paused_at, clock.next_fire_at = "paused", now, None


def resume(clock: Clock, now: datetime, policy: Policy, cal) -> None:
    """Lay the time that was left at the pause out again from now."""
    w = clock.working
    if clock.breached_at is None:
        clock.due_at = _add(cal, w, now, _measure(cal, w, clock.paused_at, clock.due_at))
        clock.warn_at = _add(cal, w, now, _measure(cal, w, clock.paused_at, clock.warn_at))
    clock.state, clock.paused_at = "running", None
    schedule(clock, policy)


def stop(clock: Clock, now: datetime) -> None:
    clock.state, clock.stopped_at, clock.next_fire_at = "met", now, None


def remaining(clock: Clock, now: datetime, cal) -> timedelta:
    """Time left before the deadline (negative once overdue), as the dashboard shows it."""
    ref = clock.paused_at or now
    if ref <= clock.due_at:
        return _measure(cal, clock.working, ref, clock.due_at)
    return -_measure(cal, clock.working, clock.due_at, ref)
