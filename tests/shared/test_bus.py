"""The JetStream runner on a real nats-server: retry with back-off, then park on the dead-letter subject."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import nats

from shared import bus, subjects
from shared.bus import Runner, backoff_for, dead_letter_count
from shared.contracts import ComplaintReceived
from tests.conftest import eventually


def complaint(n: int) -> ComplaintReceived:
    return ComplaintReceived(source_id=f"test:{n}", channel="phone", received_at=datetime.now(timezone.utc), body="x")


class Flaky(Runner):
    subject = subjects.RECEIVED
    durable = "test-flaky"
    contract = ComplaintReceived
    max_deliver = 4
    backoff = (0.05, 0.1)

    def __init__(self, fail_times: dict[str, int]) -> None:
        self.fail_times, self.seen, self.done = fail_times, {}, []

    async def consume(self, message: ComplaintReceived) -> None:
        n = self.seen[message.source_id] = self.seen.get(message.source_id, 0) + 1
        if n <= self.fail_times.get(message.source_id, 0):
            raise RuntimeError(f"attempt {n} fails")
        self.done.append(message.source_id)


def test_backoff_grows_then_repeats_its_last_step():
    assert [backoff_for(a) for a in (1, 2, 3)] == [1.0, 2.0, 5.0]
    assert backoff_for(99) == float(subjects.BACKOFF_SECONDS[-1])


async def test_failures_are_retried_and_a_hopeless_message_is_parked(nats_server):
    nc = await nats.connect(nats_server.url)
    js = nc.jetstream()
    await bus.ensure_stream(js)
    runner, stop = Flaky({"test:1": 2, "test:2": 99}), asyncio.Event()
    task = asyncio.create_task(runner.run(js, stop))
    for n in (1, 2, 3):
        await bus.publish(js, subjects.RECEIVED, complaint(n), f"test:{n}")
    # Publishing the same id again inside the duplicate window is dropped by the server.
    await bus.publish(js, subjects.RECEIVED, complaint(3), "test:3")
    assert await eventually(lambda: dead_letter_count(js, "test-flaky")) == 1
    await eventually(lambda: len(runner.done) == 2)
    stop.set()
    await task
    await nc.close()
    assert sorted(runner.done) == ["test:1", "test:3"]
    assert runner.seen == {"test:1": 3, "test:2": 4, "test:3": 1}
