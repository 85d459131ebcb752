"""Two tracker replicas on one database: every clock step and every mail happens exactly once.

Each replica has its own engine (its own connections), scheduler and outbox sender, as two
processes would; they run concurrently in threads against SQLite and, when configured, PostgreSQL,
and deliver to a real SMTP server.
"""

import asyncio
from datetime import timedelta

from sqlmodel import Session, select

from services.tracker.cases import apply_classified
from services.tracker.ladder import fire_due
from services.tracker.models import ClockEvent, Outbox
from services.tracker.outbox import OutboxSender, SmtpConfig
from shared.clock import ManualClock
from shared.db import create_engine
from shared.mailservers import SmtpSink
from shared.natsserver import free_port
from tests.conftest import T0
from tests.tracker.helpers import context, engine_for, event

CTX = context()


def open_cases(engine, n: int) -> None:
    with Session(engine) as s:
        for i in range(n):
            apply_classified(s, event(email=f"c{i}@customer.test"), T0, CTX)
        s.commit()


async def test_two_replicas_fire_each_step_once(database_url):
    engine = engine_for(database_url)
    open_cases(engine, 20)
    replicas = [create_engine(database_url), create_engine(database_url)]
    for hours in (20, 25, 30):  # warning, breach, leadership for every first-reply clock
        now = T0 + timedelta(hours=hours)
        await asyncio.gather(*(asyncio.to_thread(fire_due, e, now, CTX) for e in replicas))
    with Session(engine) as s:
        steps = s.exec(select(ClockEvent.once_key).where(ClockEvent.once_key.is_not(None))).all()
        mails = s.exec(select(Outbox.dedupe_key).where(Outbox.kind.like("escalation%"))).all()
    assert len(steps) == len(set(steps)) == 60
    assert len(mails) == len(set(mails)) == 60


async def test_two_senders_deliver_each_mail_once(database_url, smtp_sink):
    engine = engine_for(database_url)
    open_cases(engine, 30)
    clock = ManualClock(T0)
    config = SmtpConfig(host="127.0.0.1", port=smtp_sink.port)
    senders = [OutboxSender(create_engine(database_url), config, clock, asyncio.Event()) for _ in range(2)]
    sent = await asyncio.gather(*(asyncio.to_thread(s.deliver_due) for s in senders))
    assert sum(sent) == 30
    ids = [m["Message-ID"] for m in smtp_sink.messages]
    assert len(ids) == len(set(ids)) == 30
    with Session(engine) as s:
        assert all(r.sent_at is not None for r in s.exec(select(Outbox)).all())


async def test_smtp_outage_keeps_every_mail_until_the_server_is_back(database_url, tmp_path):
    engine = engine_for(database_url)
    open_cases(engine, 3)
    clock = ManualClock(T0)
    port = free_port()
    sender = OutboxSender(engine, SmtpConfig(host="127.0.0.1", port=port), clock, asyncio.Event())
    assert sender.deliver_due() == 0 and sender.down  # nobody listens: an outage
    clock.advance(timedelta(minutes=30))
    assert sender.deliver_due() == 0
    sink = SmtpSink(tmp_path / "late", port=port).start()
    try:
        clock.advance(timedelta(hours=1))
        assert sender.deliver_due() == 3 and not sender.down
        assert len(sink.messages) == 3
    finally:
        sink.stop()
