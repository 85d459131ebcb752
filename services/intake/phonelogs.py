"""Accept call-center phone logs over HTTP and publish each as one normalized complaint.

``POST /api/v1/phone-logs`` validates the whole body first (FastAPI answers 422 listing every bad
field), then publishes under ``Nats-Msg-Id = phone:<Idempotency-Key>`` and waits for the PubAck
before answering 202, so nothing is half-stored: a retry with the same key is answered with the
same source id, and the same key with a different body is refused with 409.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from datetime import datetime, timezone
from typing import Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.intake.normalize import cap
from services.intake.store import PhoneLogKey
from shared import bus, subjects
from shared.auth import Caller, require
from shared.clock import utcnow
from shared.contracts import Category, ComplaintReceived

router = APIRouter(prefix="/api/v1")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,22}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


class PhoneLog(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    caller_name: str = Field(min_length=1, max_length=100)
    phone: str = Field(description="Caller's phone number, digits with optional +, spaces, dashes")
    email: str | None = Field(default=None, max_length=254)
    project: str = Field(min_length=1, max_length=100)
    unit: str | None = Field(default=None, max_length=100)
    channel: Literal["phone", "visit"] = "phone"
    call_time: datetime
    agent: str = Field(min_length=1, max_length=100)
    notes: str = Field(min_length=1, max_length=20_000)
    people: int = Field(default=1, ge=1, le=100_000, description="How many people complain together")
    category_hint: Category | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        if not _PHONE.match(v):
            raise ValueError("not a phone number")
        return v

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and not _EMAIL.match(v):
            raise ValueError("not a mail address")
        return v.lower() if v else v


class Accepted(BaseModel):
    source_id: str
    status: Literal["accepted"] = "accepted"


def to_message(log: PhoneLog, source_id: str, tz: ZoneInfo) -> ComplaintReceived:
    call_time = log.call_time if log.call_time.tzinfo else log.call_time.replace(tzinfo=tz)
    text = log.notes
    return ComplaintReceived(
        source_id=source_id, channel=log.channel, received_at=utcnow(),
        sent_at=call_time.astimezone(timezone.utc), sender_email=log.email, sender_name=log.caller_name,
        phone=log.phone, subject="", body=cap(text), language="zh" if _CJK.search(text) else "en",
        project=log.project, unit=log.unit, people=log.people, category_hint=log.category_hint,
        agent=log.agent)


async def accept(state, log: PhoneLog, key: str) -> str:
    """Publish one phone log under its idempotency key; return its source id (409 on a reused key)."""
    digest = hashlib.sha256(log.model_dump_json().encode()).hexdigest()
    known = await asyncio.to_thread(state.store.phone_key, key)
    if known and known.body_sha256 != digest:
        raise HTTPException(409, f"Idempotency-Key {key!r} was already used with a different body")
    source_id = known.source_id if known else f"phone:{hashlib.sha256(key.encode()).hexdigest()[:24]}"
    await bus.publish(state.js, subjects.RECEIVED, to_message(log, source_id, state.tz), source_id)
    row = PhoneLogKey(key=key, body_sha256=digest, source_id=source_id, created_at=utcnow())
    await asyncio.to_thread(state.store.remember_phone_key, row)
    return source_id


@router.post("/phone-logs", status_code=202, response_model=Accepted)
async def submit_phone_log(log: PhoneLog, request: Request,
                           idempotency_key: str | None = Header(default=None, max_length=200),
                           caller: Caller = Depends(require("agent"))) -> Accepted:
    return Accepted(source_id=await accept(request.app.state, log, idempotency_key or uuid.uuid4().hex))
