"""Deliver outbox rows over SMTP: claim a row, send it, mark it sent; retry with back-off; log an outage once.

A row is claimed with a conditional UPDATE (only one replica wins it) and marked sent right after
the SMTP server accepts it. The one window left — a crash after the server accepted the mail and
before the row is marked — resends that mail with the same Message-ID, which mail systems treat
as the same message; nothing is ever lost. A failure that the server calls permanent (5xx) is
recorded and the row is parked after ``MAX_ATTEMPTS``; a connection failure is an outage: logged
once when it starts and once when it ends, and every row waits for the next attempt.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import structlog
from sqlalchemy import or_, update
from sqlmodel import Session, select

from services.tracker.models import Outbox

log = structlog.get_logger()
MAX_ATTEMPTS = 12


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    starttls: bool = False
    user: str = ""
    password: str = ""
    mail_from: str = "service@complaintdesk.local"
    # How long a sender owns a row it is sending; after that another sender (or this one after a
    # restart) may take it. It must outlast one SMTP conversation (30 s timeout).
    claim_seconds: float = 120.0


def build_message(row: Outbox, mail_from: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = mail_from
    msg["To"] = ", ".join(row.recipients)
    msg["Subject"] = row.subject
    msg["Message-ID"] = f"<{row.message_id}>"
    msg["Date"] = format_datetime(row.created_at)
    msg["Auto-Submitted"] = row.auto_submitted
    msg["X-Auto-Response-Suppress"] = "All"
    msg["X-ComplaintDesk-Kind"] = row.kind
    if row.in_reply_to:
        msg["In-Reply-To"] = f"<{row.in_reply_to}>"
    if row.references:
        msg["References"] = " ".join(f"<{r}>" for r in row.references)
    msg.set_content(row.body)
    return msg


def smtp_send(config: SmtpConfig, message: EmailMessage) -> None:
    with smtplib.SMTP(config.host, config.port, timeout=30) as smtp:
        if config.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if config.user:
            smtp.login(config.user, config.password)
        smtp.send_message(message)


class OutboxSender:
    def __init__(self, engine, config: SmtpConfig, clock, wake: asyncio.Event) -> None:
        self.engine, self.config, self.clock, self.wake = engine, config, clock, wake
        self.down = False

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.wake.clear()
            await asyncio.to_thread(self.deliver_due)
            try:
                await asyncio.wait_for(_first(stop, self.wake), 2 if self.down else 5)
            except asyncio.TimeoutError:
                pass

    def deliver_due(self) -> int:
        sent = 0
        for row_id in self.due_ids():
            if not self.claim(row_id):
                continue
            sent += self.deliver(row_id)
            if self.down:
                break
        return sent

    def due_ids(self) -> list[int]:
        now = self.clock.now()
        with Session(self.engine) as s:
            q = (select(Outbox.id).where(Outbox.sent_at.is_(None), Outbox.attempts < MAX_ATTEMPTS,
                                         Outbox.next_attempt_at <= now).order_by(Outbox.id).limit(200))
            return list(s.exec(q).all())

    def claim(self, row_id: int) -> bool:
        now = self.clock.now()
        with Session(self.engine) as s:
            result = s.exec(update(Outbox).where(
                Outbox.id == row_id, Outbox.sent_at.is_(None),
                or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < now)).values(claimed_until=now + timedelta(seconds=self.config.claim_seconds)))
            s.commit()
            return result.rowcount == 1

    def deliver(self, row_id: int) -> int:
        with Session(self.engine) as s:
            row = s.get(Outbox, row_id)
            try:
                smtp_send(self.config, build_message(row, self.config.mail_from))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                self._failed(s, row, f"refused: {exc}", outage=False)
                return 0
            except (OSError, smtplib.SMTPException) as exc:
                self._failed(s, row, f"{type(exc).__name__}: {exc}", outage=True)
                return 0
            row.sent_at, row.attempts, row.claimed_until = self.clock.now(), row.attempts + 1, None
            kind, case_id = row.kind, row.case_id
            s.add(row)
            s.commit()
        if self.down:
            self.down = False
            log.info("smtp.recovered", host=self.config.host)
        log.info("mail.sent", outbox=row_id, kind=kind, case=case_id)
        return 1

    def _failed(self, s: Session, row: Outbox, error: str, outage: bool) -> None:
        row.attempts += 1
        row.last_error, row.claimed_until = error[:500], None
        row.next_attempt_at = self.clock.now() + timedelta(seconds=min(2 ** row.attempts, 900))
        s.add(row)
        s.commit()
        if outage and not self.down:
            self.down = True
            log.warning("smtp.outage", host=self.config.host, error=error)
        elif not outage:
            log.error("mail.refused", outbox=row.id, kind=row.kind, error=error, attempts=row.attempts)


async def _first(stop: asyncio.Event, wake: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
