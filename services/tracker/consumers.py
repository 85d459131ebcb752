"""Consume classified complaints and intake failures from JetStream into the tracker's store.

Thin handlers: decode (done by ``Runner``), apply in one transaction, commit, wake the outbox and
the scheduler. The message is acked by ``Runner`` only after ``consume`` returns, i.e. after the
commit; a redelivery finds the source id already stored and changes nothing.
"""

from __future__ import annotations

import asyncio

import structlog
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from services.tracker.cases import apply_classified
from services.tracker.models import IntakeFailure
from shared import subjects
from shared.bus import Runner
from shared.contracts import ComplaintClassified, IntakeFailed

log = structlog.get_logger()


class ClassifiedRunner(Runner):
    subject = subjects.CLASSIFIED
    durable = subjects.TRACKER_CONSUMER
    contract = ComplaintClassified

    def __init__(self, engine, ctx, clock, wakes: tuple[asyncio.Event, ...]) -> None:
        self.engine, self.ctx, self.clock, self.wakes = engine, ctx, clock, wakes

    async def consume(self, event: ComplaintClassified) -> None:
        number = await asyncio.to_thread(self.apply, event)
        for wake in self.wakes:
            wake.set()
        log.info("complaint.tracked", source_id=event.complaint.source_id, case=number,
                 severity=event.labels.severity, auto=event.complaint.auto)

    def apply(self, event: ComplaintClassified) -> str | None:
        with Session(self.engine) as s:
            case = apply_classified(s, event, self.clock.now(), self.ctx)
            number = case.number if case else None
            try:
                s.commit()
            except IntegrityError:
                # A second replica stored the same source id first; that copy stands.
                s.rollback()
            return number


class IntakeFailedRunner(Runner):
    subject = subjects.INTAKE_FAILED
    durable = subjects.TRACKER_FAILURES_CONSUMER
    contract = IntakeFailed

    def __init__(self, engine) -> None:
        self.engine = engine

    async def consume(self, event: IntakeFailed) -> None:
        await asyncio.to_thread(self.store, event)

    def store(self, event: IntakeFailed) -> None:
        with Session(self.engine) as s:
            if s.exec(select(IntakeFailure.id).where(IntakeFailure.source_id == event.source_id)).first():
                return
            s.add(IntakeFailure(**event.model_dump(exclude={"schema_version"})))
            s.commit()
