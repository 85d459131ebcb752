"""Turn the raw bytes of one mail into a ParsedMail, the normalized view intake publishes.

Parsing is pure (no I/O). The email package (policy.default) splits the MIME
tree; header values and MIME parameters are read from the raw header text by
services.intake.headers and services.intake.mimeparts, because real mail
breaks the policy's own header parsing.

parse_mail raises MailParseError, and nothing else. It does so for input that
is not a mail message at all: not bytes; empty; binary (over 5 % NUL bytes in
the first 64 KiB, such as an Outlook .msg file); no header field even after
repairing obsolete "Name :" syntax, unindented folded lines and invalid field
names (a stray document, an SMTP transcript); none of From, Message-ID,
Subject and Date (a bare MIME entity, not a sent message). It also does so
for parts nested so deeply (about 1000 levels) that the email package
overflows the stack, and, as MailParseError("unexpected <type>: <message>"),
for any other exception, which would be a bug here or in the email package:
one mail must never stop intake. If the policy.default parser raises, compat32
splits the mail instead. Everything else is parsed, however broken:
undecodable text gets replacement characters, an unreadable part is skipped,
and ParsedMail.defects lists the email defect class names plus this package's
HeaderRepaired, Compat32Fallback(<type>), UnreadablePart(<type>) and
NestingTooDeep (parts below 64 levels are ignored).

ParsedMail.text joins the inline text/plain parts (a multipart without a
usable boundary counts as one); if they hold nothing, it is the text of the
HTML parts. ParsedMail.attachments lists every other part with a file name or
Content-Disposition: attachment; an attached message (message/*) is one
attachment and is not opened, so its parts are neither body nor attachments.
ParsedMail.auto and auto_reason say whether a machine sent the mail, by the
rules in services.intake.autodetect.
"""

from __future__ import annotations

import email
from dataclasses import dataclass
from datetime import datetime
from email import errors, policy
from email.message import Message

from services.intake.autodetect import detect_auto, guess_language
from services.intake.headers import (
    addresses,
    decode_header,
    first_header,
    header_values,
    message_ids,
    repair_headers,
    utc_date,
)
from services.intake.htmltext import html_to_text
from services.intake.mimeparts import Attachment, Parts, walk

__all__ = ["Attachment", "MailParseError", "ParsedMail", "parse_mail"]

_SNIFF_BYTES, _MAX_NUL_SHARE = 65536, 0.05


class MailParseError(ValueError):
    """Raised when input cannot be read as a mail; reason says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParsedMail:
    """The normalized view of one mail; the module docstring explains its fields and defects."""

    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    from_addr: str | None
    from_name: str | None
    to: tuple[str, ...]
    date: datetime | None
    text: str
    html: str | None
    attachments: tuple[Attachment, ...]
    auto: str | None
    auto_reason: str | None
    language: str
    defects: tuple[str, ...]


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse one raw RFC 5322 message; raise MailParseError if it is not a mail (see above)."""
    try:
        return _parse(_prepare(raw))
    except MailParseError:
        raise
    except Exception as exc:  # A bug anywhere below must not stop intake: report it as a reason.
        raise MailParseError(f"unexpected {type(exc).__name__}: {exc}") from exc


def _prepare(raw: bytes) -> bytes:
    """Return raw without a UTF-8 byte order mark, or raise if it is empty or binary."""
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raise MailParseError(f"input is {type(raw).__name__}, not bytes")
    data = bytes(raw).removeprefix(b"\xef\xbb\xbf")
    if not data.strip():
        raise MailParseError("empty input")
    if data[:_SNIFF_BYTES].count(0) > min(len(data), _SNIFF_BYTES) * _MAX_NUL_SHARE:
        raise MailParseError("binary data, not a mail (too many NUL bytes)")
    return data


def _parse(data: bytes) -> ParsedMail:
    """Build the ParsedMail for prepared input."""
    msg, defects = _read(data)
    if not msg.keys():
        raise MailParseError("no header fields: not a mail message")
    if all(first_header(msg, name) is None for name in ("from", "message-id", "subject", "date")):
        raise MailParseError("no From, Message-ID, Subject or Date header: not a mail message")
    parts = Parts(defects=defects)
    walk(msg, parts)
    hint = next(iter(parts.charsets), None)  # Raw 8-bit header bytes are likely in this charset.
    subject = " ".join(decode_header(first_header(msg, "subject", hint) or "").split())
    sender, name = next(iter(addresses(header_values(msg, "from", hint))), (None, None))
    text = "\n\n".join(t.strip("\n") for t in parts.plain if t.strip()).rstrip()
    html = "\n".join(parts.html) or None
    text = text or (html_to_text(html) if html else "")
    auto, auto_reason = detect_auto(msg, parts.delivery_status, sender, subject)
    return ParsedMail(
        message_id=next(iter(message_ids(first_header(msg, "message-id"))), None),
        in_reply_to=next(iter(message_ids(first_header(msg, "in-reply-to"))), None),
        references=tuple(dict.fromkeys(message_ids(" ".join(header_values(msg, "references"))))),
        subject=subject,
        from_addr=sender,
        from_name=name,
        to=tuple(address for address, _ in addresses(header_values(msg, "to", hint))),
        date=utc_date(first_header(msg, "date")),
        text=text,
        html=html,
        attachments=tuple(parts.attachments),
        auto=auto,
        auto_reason=auto_reason,
        language=guess_language(subject, text),
        defects=tuple(dict.fromkeys(parts.defects)),
    )


def _read(data: bytes) -> tuple[Message, list[str]]:
    """Parse data, and again after repairing its header block if that is broken."""
    msg, defects = _split(data)
    broken = any(isinstance(d, errors.MissingHeaderBodySeparatorDefect) for d in msg.defects)
    fixed = repair_headers(data) if broken or not msg.keys() else data
    if fixed == data:
        return msg, defects
    msg, defects = _split(fixed)
    return msg, ["HeaderRepaired", *defects]


def _split(data: bytes) -> tuple[Message, list[str]]:
    """Split data into its MIME tree with policy.default, or with compat32 if that raises."""
    try:
        return email.message_from_bytes(data, policy=policy.default), []
    except RecursionError as exc:  # The parser recurses once per level of nested parts.
        raise MailParseError("MIME parts nested too deeply to parse") from exc
    except Exception as exc:  # policy.default parses Content-Type while splitting; that can fail.
        msg = email.message_from_bytes(data, policy=policy.compat32)
        return msg, [f"Compat32Fallback({type(exc).__name__})"]
