"""A service killed mid-stream and restarted loses no complaint and sends no mail twice.

The tracker runs as a real child process (``complaintdesk tracker``) and is killed with SIGKILL
while mails are flowing; intake is cancelled abruptly in the middle too. Afterwards every mail has
exactly one acknowledgement (one distinct message; see the note on the outbox's one window below).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter

from sqlmodel import Session, select

from services.tracker.models import Case, Outbox
from shared.clock import ManualClock
from shared.db import create_engine
from shared.settings import load
from tests.conftest import T0, eventually
from tests.integration.harness import Pipeline, make_env, mail, send_to_mailbox

N = 15


def spawn_tracker(env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "shared.cli", "tracker"], env={**os.environ, **env},
                            stdout=log, stderr=subprocess.STDOUT)


def _all_sent(tmp_path) -> list | None:
    """The outbox once every row is marked sent."""
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with Session(engine) as s:
        rows = s.exec(select(Outbox)).all()
        cases = len(s.exec(select(Case)).all())
    engine.dispose()
    return rows if rows and cases == N and all(r.sent_at for r in rows) else None


def acks(sink) -> Counter:
    return Counter(str(m["To"]) for m in sink.messages if m["X-ComplaintDesk-Kind"] == "acknowledgement")


async def test_killed_tracker_and_intake_lose_nothing_and_send_nothing_twice(tmp_path, nats_server, pymap_server, smtp_sink):
    env = make_env(tmp_path, nats_server.url, pymap_server, smtp_sink, f"sqlite:///{tmp_path / 'db.sqlite3'}",
                   ack_wait_seconds=2, outbox_claim_seconds=2, log_format="json")
    log = open(tmp_path / "tracker.log", "ab")
    tracker = spawn_tracker(env, log)
    p = await Pipeline(load(env), ManualClock(T0)).start("classifier", "intake")
    try:
        for i in range(N):
            send_to_mailbox(pymap_server, mail(f"owner{i}@customer.test", f"漏水 {i}", f"第{i}户：卫生间漏水，请尽快维修。"))
            if i == 5:
                await eventually(lambda: len(acks(smtp_sink)) >= 2)
                tracker.send_signal(signal.SIGKILL)  # no chance to finish anything
                tracker.wait()
                p.tasks["intake"].cancel()  # intake dies mid-stream as well
                await asyncio.gather(p.tasks.pop("intake"), return_exceptions=True)
                tracker = spawn_tracker(env, log)
                await p.start("intake")
        rows = await eventually(lambda: _all_sent(tmp_path), timeout=60)
        mails = {m["Message-ID"]: m for m in smtp_sink.messages}
        # One acknowledgement per mail, each a distinct message, and every outbox row delivered.
        got = Counter(str(m["To"]) for m in mails.values() if m["X-ComplaintDesk-Kind"] == "acknowledgement")
        assert sorted(got) == sorted(f"owner{i}@customer.test" for i in range(N))
        assert set(got.values()) == {1}, got
        assert len(rows) == N and {f"<{r.message_id}>" for r in rows} == set(mails)
        # A SIGKILL between the SMTP server's "250" and the row's commit makes the restarted tracker
        # send that one mail again, under the same Message-ID: the outbox's one at-least-once window.
        assert len(smtp_sink.messages) - len(mails) <= 1
    finally:
        tracker.terminate()
        tracker.wait()
        await p.stop()
