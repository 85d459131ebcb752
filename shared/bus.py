"""Connect to NATS JetStream, declare the stream, publish with PubAck, and run durable pull consumers.

This is the only module that talks to nats-py. Publishing waits for the PubAck and sets
``Nats-Msg-Id`` so a re-publish inside the duplicate window is dropped by the server. Consumers
are durable pull consumers with explicit ack: ``Runner.consume`` is called, the message is acked
only after it returns (the consumer commits its own work first), a failure is redelivered with
back-off, and after ``MAX_DELIVER`` attempts or on an undecodable body it is parked on the
dead-letter subject, kept and countable, so one poison message never blocks the rest.
"""

from __future__ import annotations

import abc
import asyncio
from typing import ClassVar

import nats
import structlog
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError
from pydantic import ValidationError

from shared import subjects
from shared.contracts import Contract

log = structlog.get_logger()


async def connect(url: str, name: str) -> nats.NATS:
    """Connect with unlimited reconnects; an outage is logged once when it starts and once when it ends."""
    state = {"down": False, "closing": False}

    async def disconnected():
        if not state["down"] and not state["closing"]:
            state["down"] = True
            log.warning("nats.outage", url=url)

    async def reconnected():
        state["down"] = False
        log.info("nats.recovered", url=url)

    async def error(exc):
        if not state["down"]:
            log.debug("nats.error", error=repr(exc))

    nc = await nats.connect(servers=[url], name=name, max_reconnect_attempts=-1,
                            reconnect_time_wait=1, connect_timeout=5, allow_reconnect=True,
                            disconnected_cb=disconnected, reconnected_cb=reconnected, error_cb=error)
    nc._complaintdesk_state = state
    return nc


async def close(nc) -> None:
    """Flush what was published or acked, then close; a deliberate close is not an outage."""
    nc._complaintdesk_state["closing"] = True
    try:
        await nc.flush(timeout=5)
    except Exception:  # noqa: BLE001 - the server may already be gone; close regardless
        pass
    await nc.close()


async def ensure_stream(js) -> None:
    """Create the file-backed complaint stream, or bring an existing one to this configuration."""
    config = StreamConfig(name=subjects.STREAM, subjects=subjects.STREAM_SUBJECTS,
                          storage=StorageType.FILE,
                          duplicate_window=subjects.DUPLICATE_WINDOW.total_seconds())
    try:
        await js.add_stream(config)
    except BadRequestError:
        await js.update_stream(config)


async def publish(js, subject: str, message: Contract, msg_id: str) -> int:
    """Publish and wait for JetStream's acknowledgement; return the stream sequence."""
    ack = await js.publish(subject, message.to_bytes(), headers={"Nats-Msg-Id": msg_id}, timeout=10)
    return ack.seq


def backoff_for(attempt: int, steps=subjects.BACKOFF_SECONDS) -> float:
    return float(steps[min(attempt, len(steps)) - 1])


class Runner(abc.ABC):
    """A durable pull consumer of one subject; subclasses override ``consume`` only."""

    subject: ClassVar[str]
    durable: ClassVar[str]
    contract: ClassVar[type[Contract]]
    batch: ClassVar[int] = 16
    # Seconds before an unacked message (its consumer crashed) is delivered again; set from settings.
    ack_wait: float = 30.0
    max_deliver: int = subjects.MAX_DELIVER
    backoff: tuple[float, ...] = subjects.BACKOFF_SECONDS

    @abc.abstractmethod
    async def consume(self, message: Contract) -> None:
        """Do this consumer's work for one message and commit it; raising means "retry later"."""

    async def subscribe(self, js):
        config = ConsumerConfig(durable_name=self.durable, ack_policy=AckPolicy.EXPLICIT,
                                deliver_policy=DeliverPolicy.ALL, filter_subject=self.subject,
                                max_deliver=self.max_deliver, ack_wait=self.ack_wait)
        return await js.pull_subscribe(self.subject, durable=self.durable,
                                       stream=subjects.STREAM, config=config)

    async def run(self, js, stop: asyncio.Event) -> None:
        sub = await self.subscribe(js)
        while not stop.is_set():
            try:
                messages = await sub.fetch(self.batch, timeout=1)
            except (nats.errors.TimeoutError, asyncio.TimeoutError):
                continue
            except nats.errors.ConnectionClosedError:
                return
            for msg in messages:
                await self.handle(js, msg)

    async def handle(self, js, msg) -> None:
        attempt = msg.metadata.num_delivered
        bound = log.bind(consumer=self.durable, seq=msg.metadata.sequence.stream, attempt=attempt)
        try:
            message = self.contract.from_bytes(msg.data)
        except ValidationError as exc:
            await self.dead_letter(js, msg, f"undecodable: {exc.error_count()} errors: {exc.errors()[0]['msg']}")
            return
        try:
            await self.consume(message)
        except Exception as exc:  # noqa: BLE001 - any failure is retried, then parked
            if attempt >= self.max_deliver:
                await self.dead_letter(js, msg, f"{type(exc).__name__}: {exc}")
                return
            delay = backoff_for(attempt, self.backoff)
            bound.warning("consume.retry", error=f"{type(exc).__name__}: {exc}", delay=delay)
            await msg.nak(delay=delay)
            return
        await msg.ack()

    async def dead_letter(self, js, msg, reason: str) -> None:
        """Keep the poison message on the dead-letter subject, then stop its redelivery."""
        subject = subjects.dead_letter_subject(self.durable)
        headers = {"Original-Subject": msg.subject, "Dead-Reason": reason[:500],
                   "Nats-Msg-Id": f"dead:{self.durable}:{msg.metadata.sequence.stream}"}
        await js.publish(subject, msg.data, headers=headers, timeout=10)
        log.error("consume.dead_letter", consumer=self.durable, seq=msg.metadata.sequence.stream, reason=reason)
        await msg.term()


async def dead_letter_count(js, consumer: str) -> int:
    """How many poison messages a consumer has parked (for the API and the tests)."""
    info = await js.stream_info(subjects.STREAM, subjects_filter=subjects.dead_letter_subject(consumer))
    return sum((info.state.subjects or {}).values())
