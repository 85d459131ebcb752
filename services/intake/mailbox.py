"""Read the service mailbox over IMAP and hand every mail to JetStream before moving it out of the inbox.

The order of side effects is the durability contract: fetch with ``BODY.PEEK[]`` (the mail stays
unseen), publish and wait for the PubAck, then move the mail to the processed folder, then advance
the checkpoint. A crash between any two steps re-reads the mail and re-publishes it under the same
``Nats-Msg-Id``, which JetStream drops. A mail that cannot be parsed is reported and moved to the
failed folder, so it is kept and never blocks the next one. IDLE is used when the server offers it,
polling otherwise. An IDLE lasts at most ``IMAP_POLL_SECONDS`` (and never beyond
``IMAP_IDLE_SECONDS``) before a catch-up pass, a safety net for a notice the server missed. Any
drop reconnects with back-off, and the catch-up pass then takes whatever arrived meanwhile.
"""

from __future__ import annotations

import asyncio
import imaplib
import time
from dataclasses import dataclass

import structlog
from imapclient import IMAPClient

from services.intake.mailparse import MailParseError, parse_mail
from services.intake.normalize import failure_message, mail_message
from shared import bus, subjects
from shared.clock import utcnow

log = structlog.get_logger()


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    ssl: bool
    user: str
    password: str
    mailbox: str = "INBOX"
    processed: str = "Processed"
    failed: str = "Failed"
    poll_seconds: float = 20
    idle_seconds: float = 540

    @property
    def key(self) -> str:
        return f"{self.user}@{self.host}/{self.mailbox}"


class IdleBroken(Exception):
    """The connection broke while idling (e.g. a response split across reads); reconnect at once."""


class MailboxRunner:
    def __init__(self, config: ImapConfig, store, js) -> None:
        self.config, self.store, self.js = config, store, js
        self.down = False

    async def run(self, stop: asyncio.Event) -> None:
        delay = 1.0
        while not stop.is_set():
            try:
                client = await asyncio.to_thread(self.connect)
                if self.down:
                    log.info("imap.recovered", host=self.config.host)
                self.down, delay = False, 1.0
                await self.serve(client, stop)
            except IdleBroken as exc:
                # Not an outage: the server is there, only this connection's IDLE state is lost.
                log.debug("imap.idle_reset", error=str(exc.__cause__))
            except Exception as exc:  # noqa: BLE001 - every drop is retried; the outage is logged once
                if not self.down:
                    log.warning("imap.outage", host=self.config.host, error=f"{type(exc).__name__}: {exc}")
                self.down = True
                await _wait(stop, delay)
                delay = min(delay * 2, 60.0)

    def connect(self) -> IMAPClient:
        c = self.config
        client = IMAPClient(c.host, port=c.port, ssl=c.ssl, timeout=30)
        client.login(c.user, c.password)
        for folder in (c.processed, c.failed):
            if not client.folder_exists(folder):
                client.create_folder(folder)
        return client

    async def serve(self, client: IMAPClient, stop: asyncio.Event) -> None:
        try:
            info = await asyncio.to_thread(client.select_folder, self.config.mailbox)
            uidvalidity = int(info[b"UIDVALIDITY"])
            can_idle = b"IDLE" in client.capabilities()
            while not stop.is_set():
                await self.catch_up(client, uidvalidity)
                if can_idle:
                    await asyncio.to_thread(self.idle_once, client, stop)
                else:
                    await _wait(stop, self.config.poll_seconds)
        finally:
            await asyncio.to_thread(_logout, client)

    def idle_once(self, client: IMAPClient, stop: asyncio.Event) -> None:
        """Wait in IDLE until the server reports a change, the renewal time passes, or we stop."""
        try:
            client.idle()
            # The IDLE also ends after one polling interval, so a catch-up pass runs even when the
            # server missed a notice (seen with a mail appended between our SEARCH and IDLE).
            deadline = time.monotonic() + min(self.config.idle_seconds, self.config.poll_seconds)
            while time.monotonic() < deadline and not stop.is_set():
                if client.idle_check(timeout=1):
                    break
            client.idle_done()
        except (imaplib.IMAP4.abort, OSError) as exc:
            raise IdleBroken(type(exc).__name__) from exc

    async def catch_up(self, client: IMAPClient, uidvalidity: int) -> int:
        last = await asyncio.to_thread(self.store.checkpoint, self.config.key, uidvalidity)
        found = await asyncio.to_thread(client.search, ["UID", f"{last + 1}:*"])
        uids = sorted(uid for uid in found if uid > last)
        for uid in uids:
            await self.take(client, uidvalidity, uid)
        return len(uids)

    async def take(self, client: IMAPClient, uidvalidity: int, uid: int) -> None:
        source_id = f"mail:{self.config.key}:{uidvalidity}:{uid}"
        bound = log.bind(source_id=source_id)
        fetched = await asyncio.to_thread(client.fetch, [uid], ["BODY.PEEK[]"])
        if uid not in fetched:  # Expunged by someone else between SEARCH and FETCH.
            return
        raw = fetched[uid][b"BODY[]"]
        try:
            parsed = parse_mail(raw)
        except MailParseError as exc:
            report = failure_message(source_id, self.config.failed, exc.reason, len(raw), utcnow())
            await bus.publish(self.js, subjects.INTAKE_FAILED, report, "failed:" + source_id)
            await asyncio.to_thread(_move, client, uid, self.config.failed)
            bound.error("mail.unparsable", reason=exc.reason, folder=self.config.failed)
        else:
            message = mail_message(parsed, source_id, utcnow())
            await bus.publish(self.js, subjects.RECEIVED, message, source_id)
            await asyncio.to_thread(_move, client, uid, self.config.processed)
            bound.info("mail.taken", auto=parsed.auto, attachments=len(parsed.attachments))
        await asyncio.to_thread(self.store.advance, self.config.key, uidvalidity, uid)


def _move(client: IMAPClient, uid: int, folder: str) -> None:
    if b"MOVE" in client.capabilities():
        client.move([uid], folder)
        return
    client.copy([uid], folder)
    client.delete_messages([uid])
    if b"UIDPLUS" in client.capabilities():
        client.uid_expunge([uid])
    else:
        client.expunge()


def _logout(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the connection may already be gone
        pass


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except asyncio.TimeoutError:
        pass
