"""Keep intake's own state: the mailbox checkpoint and the phone-log idempotency keys.

The checkpoint (mailbox, UIDVALIDITY, last UID) is written only after a mail's PubAck and its move
out of the inbox, so a crash at any point makes intake re-read at most the mails it was working on;
their re-publication carries the same ``Nats-Msg-Id`` and is dropped by JetStream.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, Session, SQLModel, select


class MailboxCheckpoint(SQLModel, table=True):
    __tablename__ = "intake_mailbox_checkpoint"
    mailbox: str = Field(primary_key=True)
    uidvalidity: int
    last_uid: int


class PhoneLogKey(SQLModel, table=True):
    __tablename__ = "intake_phone_log_key"
    key: str = Field(primary_key=True)
    body_sha256: str
    source_id: str
    created_at: datetime


class IntakeStore:
    def __init__(self, engine) -> None:
        self.engine = engine
        SQLModel.metadata.create_all(engine, tables=[MailboxCheckpoint.__table__, PhoneLogKey.__table__])

    def checkpoint(self, mailbox: str, uidvalidity: int) -> int:
        """The last UID handled in this mailbox, or 0 when the mailbox is new or UIDVALIDITY changed."""
        with Session(self.engine) as s:
            row = s.get(MailboxCheckpoint, mailbox)
            return row.last_uid if row and row.uidvalidity == uidvalidity else 0

    def advance(self, mailbox: str, uidvalidity: int, uid: int) -> None:
        with Session(self.engine) as s:
            row = s.get(MailboxCheckpoint, mailbox) or MailboxCheckpoint(mailbox=mailbox, uidvalidity=uidvalidity, last_uid=0)
            if row.uidvalidity != uidvalidity:
                row.uidvalidity, row.last_uid = uidvalidity, 0
            row.last_uid = max(row.last_uid, uid)
            s.add(row)
            s.commit()

    def phone_key(self, key: str) -> PhoneLogKey | None:
        with Session(self.engine) as s:
            return s.exec(select(PhoneLogKey).where(PhoneLogKey.key == key)).first()

    def remember_phone_key(self, row: PhoneLogKey) -> None:
        with Session(self.engine) as s:
            if s.get(PhoneLogKey, row.key) is None:
                s.add(row)
                s.commit()
