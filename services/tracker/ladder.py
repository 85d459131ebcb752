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


def next_fire_at(engine) -> datetime | None:
    with Session(engine) as s:
        return s.exec(select(func.min(Clock.next_fire_at))).one()


def fire_due(engine, now: datetime, ctx: TrackerContext, batch: int = 50) -> int:
    """Fire every step due by ``now``, a batch per transaction; return how many fired here."""
    fired = 0
    while True:
        with Session(engine) as s:
            # The row locks keep a second replica off these clocks (PostgreSQL skips locked rows;
            # SQLite's immediate transactions serialize writers). The unique once_key is the guarantee.
            q = (select(Clock).where(Clock.next_fire_at <= now).order_by(Clock.next_fire_at)
                 .limit(batch).with_for_update(skip_locked=True))
            due = s.exec(q).all()
            done = sum(_fire_one(s, clock, now, ctx) for clock in due)
            s.commit()
        fired += done
        if len(due) < batch or done == 0:
            return fired


def _fire_one(s: Session, clock: Clock, now: datetime, ctx: TrackerContext) -> bool:
    """Fire the clock's pending step inside a savepoint, so a lost race undoes only this step."""
    if clock.state != "running" or clock.next_level is None:
        return False
    level = clock.next_level
    try:
        with s.begin_nested():
            record_event(s, clock, level, now)
            if level == "breach":
                clock.breached_at = clock.due_at
            escalate(s, s.get(Case, clock.case_id), clock, level, now, ctx)
            clocks.advance(clock, ctx.policy)
            s.add(clock)
    except IntegrityError:
        # Another replica fired this step first; its mail stands, ours is rolled back.
        return False
    log.info("clock.fired", clock=clock.id, case=clock.case_id, level=level)
    return True
