"""Turn a parsed mail or a phone log into the one normalized ``ComplaintReceived`` message.

Bodies are capped so a message always fits NATS's default 1 MB payload; the cap is stated in the
text, never silent.
"""

from __future__ import annotations

from datetime import datetime

from shared.contracts import AttachmentInfo, ComplaintReceived, IntakeFailed

MAX_BODY_CHARS = 100_000


def cap(text: str) -> str:
    if len(text) <= MAX_BODY_CHARS:
        return text
    return text[:MAX_BODY_CHARS] + f"\n[… {len(text) - MAX_BODY_CHARS} more characters kept in the mailbox]"


def mail_message(parsed, source_id: str, received_at: datetime) -> ComplaintReceived:
    return ComplaintReceived(
        source_id=source_id, channel="email", received_at=received_at, sent_at=parsed.date,
        sender_email=parsed.from_addr, sender_name=parsed.from_name, subject=parsed.subject[:998],
        body=cap(parsed.text), language=parsed.language, message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to, references=tuple(parsed.references),
        attachments=tuple(AttachmentInfo(filename=a.filename, content_type=a.content_type, size=a.size)
                          for a in parsed.attachments),
        auto=parsed.auto, auto_reason=parsed.auto_reason)


def failure_message(source_id: str, folder: str, reason: str, size: int, at: datetime) -> IntakeFailed:
    return IntakeFailed(source_id=source_id, folder=folder, reason=reason[:1000], size=size, received_at=at)
