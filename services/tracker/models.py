"""Declare the tracker's own tables: cases, their messages, clocks, clock events, actions, reads and the outbox.

Every table is prefixed ``tracker_`` and no other service reads them. Uniqueness constraints carry
the exactly-once promises: one message per source id (a redelivered complaint changes nothing), one
clock event per (clock, level) and one outbox row per dedupe key (an escalation is written once
ever, whatever the number of tracker replicas or restarts).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.db import UTCDateTime


def _ts(index: bool = False, nullable: bool = True):
    return Field(default=None, sa_column=Column(UTCDateTime(), index=index, nullable=nullable))


class Case(SQLModel, table=True):
    __tablename__ = "tracker_case"
    id: int | None = Field(default=None, primary_key=True)
    number: str | None = Field(default=None, unique=True, index=True)
    state: str = Field(default="open", index=True)
    kind: str
    category: str = Field(index=True)
    severity: str = Field(index=True)
    project: str | None = Field(default=None, index=True)
    channel: str
    language: str = "zh"
    subject: str = ""
    customer_email: str | None = None
    customer_name: str | None = None
    customer_phone: str | None = None
    assignee: str | None = None
    people: int | None = None
    reasons: list = Field(default_factory=list, sa_column=Column(JSON))
    warnings: list = Field(default_factory=list, sa_column=Column(JSON))
    ruleset_version: str = ""
    secondary: bool = False
    reopens: int = 0
    resume_state: str | None = None
    created_at: datetime | None = _ts(index=True)
    updated_at: datetime | None = _ts()
    resolved_at: datetime | None = _ts()
    closed_at: datetime | None = _ts()
    satisfaction: int | None = None
    cause: str | None = Field(default=None, sa_column=Column(Text))
    corrective: str | None = Field(default=None, sa_column=Column(Text))
    preventive: str | None = Field(default=None, sa_column=Column(Text))


class CaseMessage(SQLModel, table=True):
    """A message that came in (mail, phone log, auto-reply) — kept even when it opens no case."""

    __tablename__ = "tracker_message"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="tracker_case.id", index=True)
    source_id: str = Field(unique=True)
    channel: str
    message_id: str | None = None
    subject: str = ""
    body: str = Field(default="", sa_column=Column(Text))
    attachments: list = Field(default_factory=list, sa_column=Column(JSON))
    labels: dict = Field(default_factory=dict, sa_column=Column(JSON))
    auto: str | None = None
    received_at: datetime | None = _ts()


class ThreadId(SQLModel, table=True):
    """Every Message-ID seen or sent in a case, so a customer's reply finds its case."""

    __tablename__ = "tracker_thread_id"
    message_id: str = Field(primary_key=True)
    case_id: int = Field(foreign_key="tracker_case.id", index=True)


class Clock(SQLModel, table=True):
    __tablename__ = "tracker_clock"
    __table_args__ = (UniqueConstraint("case_id", "name", "round"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="tracker_case.id", index=True)
    name: str
    round: int = 1
    state: str = "running"  # running, paused, met, breached-then-met is still "met" with breached_at set
    working: bool = False
    target_seconds: float
    started_at: datetime | None = _ts()
    due_at: datetime | None = _ts()
    warn_at: datetime | None = _ts()
    paused_at: datetime | None = _ts()
    stopped_at: datetime | None = _ts()
    breached_at: datetime | None = _ts()
    # The next ladder step and when it is due; the scheduler sleeps until the smallest of these.
    next_level: str | None = None
    next_fire_at: datetime | None = _ts(index=True)


class ClockEvent(SQLModel, table=True):
    __tablename__ = "tracker_clock_event"
    id: int | None = Field(default=None, primary_key=True)
    # Set only for ladder steps (warning, breach, leadership): unique, so each fires once ever.
    once_key: str | None = Field(default=None, unique=True)
    clock_id: int = Field(foreign_key="tracker_clock.id", index=True)
    case_id: int = Field(foreign_key="tracker_case.id", index=True)
    kind: str  # started, paused, resumed, met, warning, breach, leadership
    at: datetime | None = _ts()
    due_at: datetime | None = _ts()
    actor: str = "system"


class Action(SQLModel, table=True):
    __tablename__ = "tracker_action"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="tracker_case.id", index=True)
    action: str
    actor: str
    at: datetime | None = _ts()
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON))


class CaseRead(SQLModel, table=True):
    """Who read which case when (SPEC §8: every read of a case by a person is recorded)."""

    __tablename__ = "tracker_case_read"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="tracker_case.id", index=True)
    actor: str
    at: datetime | None = _ts()


class Outbox(SQLModel, table=True):
    __tablename__ = "tracker_outbox"
    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(unique=True)
    case_id: int | None = Field(default=None, foreign_key="tracker_case.id", index=True)
    kind: str
    recipients: list = Field(default_factory=list, sa_column=Column(JSON))
    subject: str
    body: str = Field(sa_column=Column(Text))
    message_id: str = Field(unique=True)
    in_reply_to: str | None = None
    references: list = Field(default_factory=list, sa_column=Column(JSON))
    auto_submitted: str = "auto-generated"
    created_at: datetime | None = _ts()
    sent_at: datetime | None = _ts(index=True)
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = _ts(index=True)
    claimed_until: datetime | None = _ts()


class IntakeFailure(SQLModel, table=True):
    __tablename__ = "tracker_intake_failure"
    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(unique=True)
    folder: str
    reason: str = Field(sa_column=Column(Text))
    size: int
    received_at: datetime | None = _ts()
