"""Turn the raw bytes of one mail into a ParsedMail, the normalized view intake publishes.

Parsing is pure (no I/O). The email package (policy.default) splits the MIME
tree; header values and MIME parameters are read from the raw header text and
decoded by services.intake.charsets, because real mail breaks the policy's own
header parsing (GBK bytes under a gb2312 label, unknown charsets, group syntax,
thousands of colons in an address field).

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
and ParsedMail.defects lists the email defect class names plus this module's
HeaderRepaired, Compat32Fallback(<type>), UnreadablePart(<type>) and
NestingTooDeep (parts below 64 levels are ignored).

ParsedMail.text joins the inline text/plain parts (a multipart without a
usable boundary counts as one); if they hold nothing, it is the text of the
HTML parts. ParsedMail.attachments lists every other part with a file name or
Content-Disposition: attachment; an attached message (message/*) is one
attachment and is not opened, so its parts are neither body nor attachments.

ParsedMail.auto (RFC 3834 and common practice; the first rule that matches
wins): "bounce" for a DSN (multipart/report or a message/delivery-status part),
a MAILER-DAEMON or postmaster sender, or X-Failed-Recipients; "auto_reply" for
any other multipart/report (read receipt, abuse report), Auto-Submitted other
than "no", X-Autoreply and similar headers, Precedence: auto_reply,
X-MS-Exchange-Generated-Message-Source, or an out-of-office subject
("Automatic reply:", "自动回复"); "bounce" for a null return path
(Return-Path: <>); "list" for Precedence: list, List-Id or List-Unsubscribe;
"bulk" for Precedence: bulk or junk. X-Auto-Response-Suppress means nothing on
its own: Exchange puts it on ordinary mail too.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import errors, policy
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from services.intake.charsets import (
    MimeInfo,
    decode_header,
    decode_raw_header,
    decode_text,
    html_to_text,
    mime_info,
)

_SNIFF_BYTES, _MAX_NUL_SHARE, _MAX_DEPTH, _OPENING = 65536, 0.05, 64, 500
_FIELD = re.compile(rb"[!-9;-~]+[ \t]*:")
_BAD_NAME_CHAR = re.compile(rb"[^!-9;-~]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_ADDRESS = re.compile(r"[^\s<>\"(),;:]+@[^\s<>\"(),;:]+")
# CJK punctuation, kana, ideographs, hangul and full-width forms.
_CJK = re.compile(
    "[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0002fa1f]"
)
_LATIN = re.compile(r"[A-Za-z]")
_REPLY_PREFIX = re.compile(r"\s*(re|fwd?|aw|wg|回复|答复|转发)\s*[:：]", re.IGNORECASE)
_NO = re.compile(r"no\b", re.IGNORECASE)
_DAEMON = re.compile(r"\s*\"?(mailer[-_ ]?daemon|post_?master)\b(?![.-])", re.IGNORECASE)
_AUTOREPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-autoreply-from", "x-mail-autoreply")
_EXCHANGE_SOURCE = "x-ms-exchange-generated-message-source"
_OOF_SUBJECT = re.compile(
    r"(automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|out of (the )?office"
    r"( auto ?reply)?|自动回复|自动答复)\s*([:：]|$)",
    re.IGNORECASE,
)


class MailParseError(ValueError):
    """Raised when input cannot be read as a mail; reason says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Attachment:
    """One attached file: its decoded name (if any), MIME type and decoded size in bytes."""

    filename: str | None
    content_type: str
    size: int


@dataclass(frozen=True)
class ParsedMail:
    """The normalized view of one mail; the module docstring explains auto and defects."""

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


@dataclass
class _Parts:
    """What the walk over the MIME tree collects."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    charsets: list[str] = field(default_factory=list)
    delivery_status: bool = False


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
    if all(_first(msg, name) is None for name in ("from", "message-id", "subject", "date")):
        raise MailParseError("no From, Message-ID, Subject or Date header: not a mail message")
    parts = _Parts(defects=defects)
    _walk(msg, parts, 0)
    hint = next(iter(parts.charsets), None)  # Raw 8-bit header bytes are likely in this charset.
    subject = " ".join(decode_header(_first(msg, "subject", hint) or "").split())
    sender, name = next(iter(_addresses(_all(msg, "from", hint))), (None, None))
    text = "\n\n".join(t.strip("\n") for t in parts.plain if t.strip()).rstrip()
    html = "\n".join(parts.html) or None
    text = text or (html_to_text(html) if html else "")
    auto, auto_reason = _detect_auto(msg, parts, sender, subject)
    return ParsedMail(
        message_id=next(iter(_ids(_first(msg, "message-id"))), None),
        in_reply_to=next(iter(_ids(_first(msg, "in-reply-to"))), None),
        references=tuple(dict.fromkeys(_ids(" ".join(_all(msg, "references"))))),
        subject=subject,
        from_addr=sender,
        from_name=name,
        to=tuple(address for address, _ in _addresses(_all(msg, "to", hint))),
        date=_date(_first(msg, "date")),
        text=text,
        html=html,
        attachments=tuple(parts.attachments),
        auto=auto,
        auto_reason=auto_reason,
        language=_language(subject, text),
        defects=tuple(dict.fromkeys(parts.defects)),
    )


def _read(data: bytes) -> tuple[Message, list[str]]:
    """Parse data, and again after repairing its header block if that is broken."""
    msg, defects = _split(data)
    broken = any(isinstance(d, errors.MissingHeaderBodySeparatorDefect) for d in msg.defects)
    fixed = _repair_headers(data) if broken or not msg.keys() else data
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


def _colon(lines: list[bytes], index: int) -> int | None:
    """Return where the field name of lines[index] ends, or None if it starts no field.

    A line with a colon whose next line is indented is taken for a field with
    an invalid name, because only a field is followed by a folded line.
    """
    line, following = lines[index], lines[index + 1] if index + 1 < len(lines) else b""
    folded = following[:1] in (b" ", b"\t")
    if _FIELD.match(line) or (b":" in line and line[:1] not in b" \t" and folded):
        return line.index(b":")
    return None


def _repair_headers(data: bytes) -> bytes:
    """Fix field names and glue unindented lines that come before the block's last field."""
    lines = data.splitlines(keepends=True)
    if _colon(lines, 0) is None:
        return data  # The input does not start with a header field: there is nothing to repair.
    end = next((i for i, line in enumerate(lines) if not line.strip(b"\r\n")), len(lines))
    last = max(i for i in range(end) if _colon(lines, i) is not None)
    fixed = []
    for index, line in enumerate(lines[: last + 1]):
        colon = _colon(lines, index)
        if colon is not None:
            fixed.append(_BAD_NAME_CHAR.sub(b"-", line[:colon].rstrip(b" \t")) + line[colon:])
        else:  # A line without a field name continues the field before it.
            fixed.append(line if line[:1] in (b" ", b"\t") else b" " + line)
    return b"".join(fixed + lines[last + 1 :])


def _all(part: Message, name: str, hint: str | None = None) -> list[str]:
    """Return the unfolded raw values of every field called name, raw 8-bit bytes decoded."""
    return [
        decode_raw_header(_LINE_BREAK.sub("", str(value)), hint)
        for key, value in part.raw_items()
        if key.lower() == name
    ]


def _first(part: Message, name: str, hint: str | None = None) -> str | None:
    """Return the first raw value of the field called name, or None."""
    return next(iter(_all(part, name, hint)), None)


def _ids(value: str | None) -> list[str]:
    """Return the message ids in a Message-ID, In-Reply-To or References value, unbracketed."""
    if not value or not value.strip():
        return []
    tokens = [token.strip("<>,;") for token in value.split()]
    return _MESSAGE_ID.findall(value) or [t for t in tokens if "@" in t] or [value.strip()]


def _addresses(values: list[str]) -> list[tuple[str, str | None]]:
    """Return (lower-cased address, decoded display name or None) for each address given."""
    try:
        found = getaddresses(values)
    except RecursionError:  # The stdlib parser recurses once per ":"; thousands overflow it.
        found = []
    pairs = [(a.strip().lower(), " ".join(decode_header(n).split()) or None) for n, a in found]
    pairs = [(address, name) for address, name in pairs if address]
    if pairs or not values:
        return pairs
    return [(address.lower(), None) for address in _ADDRESS.findall(" ".join(values))]


def _date(value: str | None) -> datetime | None:
    """Return the Date header as an aware UTC datetime, or None if missing or unparsable."""
    try:
        parsed = parsedate_to_datetime(value or "")
        if parsed.tzinfo is None:  # "-0000" means the zone is unknown; read the time as UTC.
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _walk(part: Message, parts: _Parts, depth: int) -> None:
    """Collect body text, HTML, attachments and defects from part and the parts inside it."""
    parts.defects.extend(type(defect).__name__ for defect in part.defects)
    if depth > _MAX_DEPTH:
        parts.defects.append("NestingTooDeep")
        return
    try:
        _visit(part, parts, depth)
    except Exception as exc:  # One unreadable part must not lose the rest of the mail.
        parts.defects.append(f"UnreadablePart({type(exc).__name__})")


def _visit(part: Message, parts: _Parts, depth: int) -> None:
    """File one part as container, attachment, HTML or plain text; message/* is not entered."""
    info = _mime(part)
    ctype, body_type = info.content_type, info.content_type in ("text/plain", "text/html")
    # Mail clients show an inline text part as body text even if it has a file name.
    named = info.filename is not None and not (body_type and info.disposition == "inline")
    parts.delivery_status |= ctype == "message/delivery-status"
    if part.is_multipart() and not ctype.startswith("message/"):
        for child in part.get_payload():
            _walk(child, parts, depth + 1)
    elif named or info.disposition == "attachment":
        parts.attachments.append(Attachment(info.filename, ctype, _size(part)))
    elif body_type or (ctype.startswith("multipart/") and not part.is_multipart()):
        if info.charset and info.charset.lower() not in ("us-ascii", "ascii"):
            parts.charsets.append(info.charset)
        text = decode_text(part.get_payload(decode=True) or b"", info.charset)
        # A multipart without a usable boundary is kept as plain text.
        (parts.html if ctype == "text/html" else parts.plain).append(_LINE_BREAK.sub("\n", text))


def _mime(part: Message) -> MimeInfo:
    """Return what the part's raw Content-Type and Content-Disposition say."""
    content_type, disposition = _first(part, "content-type"), _first(part, "content-disposition")
    return mime_info(content_type, disposition, part.get_default_type())


def _size(part: Message) -> int:
    """Return the decoded size of an attached part; a message/* part counts the message inside."""
    if part.is_multipart():
        return sum(len(child.as_bytes(policy=policy.compat32)) for child in part.get_payload())
    return len(part.get_payload(decode=True) or b"")


def _detect_auto(
    msg: Message, parts: _Parts, sender: str | None, subject: str
) -> tuple[str | None, str | None]:
    """Return (kind, reason) if a machine sent the mail, else (None, None); see the module doc."""
    report = (_mime(msg).report_type or "").lower()
    submitted = " ".join((_first(msg, "auto-submitted") or "").split()) or "no"
    precedence = (_first(msg, "precedence") or "").strip().lower()
    daemon = _DAEMON.match(sender or "") or _DAEMON.match(_first(msg, "from") or "")
    rules = [
        (report == "delivery-status", "bounce", "DSN multipart/report"),
        (parts.delivery_status, "bounce", "DSN message/delivery-status part"),
        (daemon, "bounce", f"From: {daemon and daemon.group(1).upper()}"),
        (_first(msg, "x-failed-recipients"), "bounce", "X-Failed-Recipients header"),
        (report, "auto_reply", f"multipart/report report-type={report}"),
        (not _NO.match(submitted), "auto_reply", f"Auto-Submitted: {submitted}"),
        (precedence == "auto_reply", "auto_reply", "Precedence: auto_reply"),
        *((_first(msg, h) is not None, "auto_reply", f"{h} header") for h in _AUTOREPLY_HEADERS),
        (_first(msg, _EXCHANGE_SOURCE), "auto_reply", f"{_EXCHANGE_SOURCE} header"),
        (_OOF_SUBJECT.match(subject), "auto_reply", f"out-of-office subject {subject[:40]!r}"),
        ((_first(msg, "return-path") or "").replace(" ", "") == "<>", "bounce", "null return path"),
        (precedence == "list", "list", "Precedence: list"),
        (_first(msg, "list-id") is not None, "list", "List-Id header"),
        (_first(msg, "list-unsubscribe") is not None, "list", "List-Unsubscribe header"),
        (precedence in ("bulk", "junk"), "bulk", f"Precedence: {precedence}"),
    ]
    return next(((kind, reason) for hit, kind, reason in rules if hit), (None, None))


def _language(subject: str, text: str) -> str:
    """Return "zh" if CJK characters are a meaningful share of what the sender wrote, else "en".

    Only the subject and the opening of the text count, because signatures and
    bilingual disclaimers come last. Quoted lines ("> ...") and the subject of
    a reply or forward (usually our own) are left out if anything else is left.
    A CJK character weighs like five Latin letters (about one English word);
    "zh" needs a 30 % share.
    """
    own = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    own_subject = "" if _REPLY_PREFIX.match(subject) else subject
    for sample in (f"{own_subject}\n{own[:_OPENING]}", f"{subject}\n{text[:_OPENING]}"):
        cjk, latin = len(_CJK.findall(sample)) * 5, len(_LATIN.findall(sample))
        if cjk or latin:
            return "zh" if cjk >= 10 and cjk >= 0.3 * (cjk + latin) else "en"
    return "en"
