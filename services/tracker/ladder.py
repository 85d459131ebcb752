"""Fire the clock steps that are due: record each (clock, step) once and queue its escalation mail.

Each clock is fired in its own transaction. The event's ``once_key`` is unique, so when two tracker
replicas reach the same step at the same moment, the second one's insert fails, its transaction
(event, mail and clock change together) is rolled back, and the mail exists once.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from services.tracker import clocks
from services.tracker.context import TrackerContext
from services.tracker.models import Case, Clock, ClockEvent
from services.tracker.reports import escalate

log = structlog.get_logger()


def record_event(session: Session, clock: Clock, kind: str, now: datetime, actor: str = "system") -> None:
    once = f"{clock.id}:{kind}" if kind in clocks.LADDER else None
    session.add(ClockEvent(clock_id=clock.id, case_id=clock.case_id, kind=kind, at=now,
                           due_at=clock.due_at, actor=actor, once_key=once))


def due_clock_ids(engine, now: datetime, limit: int = 500) -> list[int]:
    with Session(engine) as s:
        q = select(Clock.id).where(Clock.next_fire_at <= now).order_by(Clock.next_fire_at).limit(limit)
        return list(s.exec(q).all())


def next_fire_at(engine) -> datetime | None:
    with Session(engine) as s:
        return s.exec(select(func.min(Clock.next_fire_at))).one()


def fire_due(engine, now: datetime, ctx: TrackerContext) -> int:
    """Fire every step due by ``now``; return how many fired here."""
    fired = 0
    while ids := due_clock_ids(engine, now):
        progressed = 0
        for clock_id in ids:
            result = _fire_one(engine, clock_id, now, ctx)
            fired += result == "fired"
            progressed += result != "skipped"
        if not progressed:
            break
    return fired


def _fire_one(engine, clock_id: int, now: datetime, ctx: TrackerContext) -> str:
    with Session(engine) as s:
        # The row lock keeps a second replica off this clock while we work (PostgreSQL; SQLite's
        # immediate transactions already serialize writers). The unique once_key is the guarantee.
        q = select(Clock).where(Clock.id == clock_id).with_for_update(skip_locked=True)
        clock = s.exec(q).first()
        if clock is None or clock.next_fire_at is None or clock.next_fire_at > now or clock.state != "running":
            return "skipped"
        level = clock.next_level
        try:
            record_event(s, clock, level, now)
            if level == "breach":
                clock.breached_at = clock.due_at
            escalate(s, s.get(Case, clock.case_id), clock, level, now, ctx)
            clocks.advance(clock, ctx.policy)
            s.add(clock)
            s.commit()
        except IntegrityError:
            # Another replica fired this step first; its mail stands, ours is rolled back.
            s.rollback()
            return "lost"
    log.info("clock.fired", clock=clock_id, level=level)
    return "fired"
