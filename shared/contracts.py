"""Define the typed, versioned messages that cross NATS between the three services.

Every message is a pydantic model with a ``schema_version`` literal: a consumer that receives a
version it does not know rejects it (and it goes to the dead-letter subject) instead of guessing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["email", "phone", "visit"]
Kind = Literal["complaint", "inquiry", "feedback"]
Category = Literal["construction_quality", "sales", "property_management", "customer_service", "other"]
Severity = Literal["general", "important", "major"]
AutoKind = Literal["auto_reply", "bounce", "list", "bulk"]


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, data: bytes):
        return cls.model_validate_json(data)


class AttachmentInfo(Contract):
    filename: str | None
    content_type: str
    size: int


class ComplaintReceived(Contract):
    """One mail or phone log, normalized by intake."""

    schema_version: Literal[1] = 1
    source_id: str = Field(description="Stable id of the source: mail:<box>:<uidvalidity>:<uid> or phone:<key>")
    channel: Channel
    received_at: datetime
    sent_at: datetime | None = None
    sender_email: str | None = None
    sender_name: str | None = None
    phone: str | None = None
    subject: str = ""
    body: str = ""
    language: Literal["zh", "en"] = "zh"
    message_id: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    attachments: tuple[AttachmentInfo, ...] = ()
    auto: AutoKind | None = None
    auto_reason: str | None = None
    project: str | None = None
    unit: str | None = None
    people: int | None = None
    category_hint: Category | None = None
    agent: str | None = None


class ReasonInfo(Contract):
    rule: str
    detail: str
    phrase: str | None = None
    start: int | None = None
    end: int | None = None


class Labels(Contract):
    kind: Kind
    category: Category
    severity: Severity
    people: int | None = None
    project: str | None = None
    secondary: bool = False
    warnings: tuple[str, ...] = ()
    reasons: tuple[ReasonInfo, ...] = ()
    ruleset_version: str
    # Source ids of earlier complaints in the same count cluster that this one raises to important.
    raise_source_ids: tuple[str, ...] = ()


class ComplaintClassified(Contract):
    """A complaint with the classifier's labels, for the tracker."""

    schema_version: Literal[1] = 1
    complaint: ComplaintReceived
    labels: Labels


class IntakeFailed(Contract):
    """A mail intake could not parse; the raw mail is kept in the failed folder."""

    schema_version: Literal[1] = 1
    source_id: str
    folder: str
    reason: str
    size: int
    received_at: datetime
