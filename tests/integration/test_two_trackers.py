"""Two tracker processes on one PostgreSQL database: each escalation mail is sent exactly once.

Thirty complaints are stored with clocks that started days ago, so every ladder step (warning,
breach, leadership) of every clock is already due by the system clock when two real
``complaintdesk tracker`` processes start side by side and race to fire and send them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select

from services.tracker.cases import apply_classified
from services.tracker.models import ClockEvent, Outbox
from shared.natsserver import free_port
from tests.conftest import eventually
from tests.tracker.helpers import context, engine_for, event

N = 30


def _all_sent(engine, expected: int):
    with Session(engine) as s:
        rows = s.exec(select(Outbox)).all()
    return rows if len(rows) == expected and all(r.sent_at for r in rows) else None


async def test_two_tracker_processes_send_each_escalation_once(tmp_path, postgres_url, nats_server, smtp_sink):
    engine = engine_for(postgres_url)
    started = datetime.now(timezone.utc) - timedelta(days=10)
    with Session(engine) as s:
        for i in range(N):
            apply_classified(s, event(email=f"owner{i}@customer.test", at=started), started, context())
        s.commit()
    env = {**os.environ, "COMPLAINTDESK_TRACKER_DATABASE_URL": postgres_url, "COMPLAINTDESK_NATS_URL": nats_server.url,
           "COMPLAINTDESK_SMTP_HOST": "127.0.0.1", "COMPLAINTDESK_SMTP_PORT": str(smtp_sink.port),
           "COMPLAINTDESK_DATA_DIR": str(tmp_path), "COMPLAINTDESK_LEADERSHIP_EMAILS": "ceo@company.test",
           "COMPLAINTDESK_LEAD_EMAILS": "lead@company.test", "COMPLAINTDESK_API_TOKENS": "t:admin"}
    log = open(tmp_path / "trackers.log", "ab")
    procs = [subprocess.Popen([sys.executable, "-m", "shared.cli", "tracker"], stdout=log, stderr=subprocess.STDOUT,
                              env={**env, "COMPLAINTDESK_TRACKER_HTTP_PORT": str(free_port())}) for _ in range(2)]
    try:
        # Per case: the acknowledgement, then warning, breach and leadership for each of two clocks.
        expected = N * (1 + 2 * 3)
        rows = await eventually(lambda: _all_sent(engine, expected), timeout=120)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
    ids = Counter(m["Message-ID"] for m in smtp_sink.messages)
    assert len(ids) == expected and set(ids.values()) == {1}
    assert {f"<{r.message_id}>" for r in rows} == set(ids)
    with Session(engine) as s:
        steps = s.exec(select(ClockEvent.once_key).where(ClockEvent.once_key.is_not(None))).all()
    assert len(steps) == len(set(steps)) == N * 2 * 3
