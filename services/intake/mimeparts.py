"""Sort the parts of a mail's MIME tree into body text, HTML and attachments.

Each part's Content-Type and Content-Disposition are read from the raw header
text (see services.intake.headers), not through the email package's own
header parsing. Inline text/plain parts, and a multipart without a usable
boundary, are body text; text/html parts are HTML; every other part with a
file name or Content-Disposition: attachment is an attachment. An attached
message (message/*) is one attachment and is not opened. A part that cannot be
read is skipped and reported as a defect, and parts nested deeper than 64
levels are ignored, so that one bad part never loses the rest of the mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email import policy
from email.message import Message

from services.intake.charsets import decode_text
from services.intake.headers import LINE_BREAK, decode_header, first_header

_MAX_DEPTH = 64


@dataclass(frozen=True)
class Attachment:
    """One attached file: its decoded name (if any), MIME type and decoded size in bytes."""

    filename: str | None
    content_type: str
    size: int


@dataclass(frozen=True)
class MimeInfo:
    """What a part's Content-Type and Content-Disposition say, decoded."""

    content_type: str
    disposition: str | None
    filename: str | None
    charset: str | None
    report_type: str | None


@dataclass
class Parts:
    """What the walk over the MIME tree collects."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    charsets: list[str] = field(default_factory=list)
    delivery_status: bool = False


def _param(view: Message, name: str, header: str) -> str | None:
    """Return the decoded value of parameter name in header of view, or None."""
    try:
        value = view.get_param(name, header=header)
    except (TypeError, ValueError):  # Mixed numbered and unnumbered RFC 2231 sections.
        return None
    if isinstance(value, tuple):  # RFC 2231: (charset, language, percent-decoded Latin-1 text).
        charset, _, text = value
        try:
            return decode_text(text.encode("latin-1"), charset) or None
        except UnicodeEncodeError:
            return text or None
    return (decode_header(value).strip() or None) if value else None


def mime_info(
    content_type: str | None, disposition: str | None, default: str = "text/plain"
) -> MimeInfo:
    """Read the raw Content-Type and Content-Disposition values of a part (8-bit bytes decoded).

    They are read through a compat32 Message, whose parameter parser accepts
    any syntax and hands RFC 2231 values over undecoded, so that their charset
    gets the same robust decoding as everything else.
    """
    view = Message()
    view.set_default_type(default)
    for name, value in (("content-type", content_type), ("content-disposition", disposition)):
        if value is not None:
            view[name] = value
    return MimeInfo(
        content_type=view.get_content_type(),
        disposition=view.get_content_disposition(),
        filename=_param(view, "filename", "content-disposition")
        or _param(view, "name", "content-type"),
        charset=_param(view, "charset", "content-type"),
        report_type=_param(view, "report-type", "content-type"),
    )


def part_mime(part: Message) -> MimeInfo:
    """Return what the part's raw Content-Type and Content-Disposition say."""
    content_type = first_header(part, "content-type")
    disposition = first_header(part, "content-disposition")
    return mime_info(content_type, disposition, part.get_default_type())


def walk(part: Message, parts: Parts, depth: int = 0) -> None:
    """Collect body text, HTML, attachments and defects from part and the parts inside it."""
    parts.defects.extend(type(defect).__name__ for defect in part.defects)
    if depth > _MAX_DEPTH:
        parts.defects.append("NestingTooDeep")
        return
    try:
        _visit(part, parts, depth)
    except Exception as exc:  # One unreadable part must not lose the rest of the mail.
        parts.defects.append(f"UnreadablePart({type(exc).__name__})")


def _visit(part: Message, parts: Parts, depth: int) -> None:
    """File one part as container, attachment, HTML or plain text; message/* is not entered."""
    info = part_mime(part)
    ctype, body_type = info.content_type, info.content_type in ("text/plain", "text/html")
    # Mail clients show an inline text part as body text even if it has a file name.
    named = info.filename is not None and not (body_type and info.disposition == "inline")
    parts.delivery_status |= ctype == "message/delivery-status"
    if part.is_multipart() and not ctype.startswith("message/"):
        for child in part.get_payload():
            walk(child, parts, depth + 1)
    elif named or info.disposition == "attachment":
        parts.attachments.append(Attachment(info.filename, ctype, _size(part)))
    elif body_type or (ctype.startswith("multipart/") and not part.is_multipart()):
        if info.charset and info.charset.lower() not in ("us-ascii", "ascii"):
            parts.charsets.append(info.charset)
        text = decode_text(part.get_payload(decode=True) or b"", info.charset)
        # A multipart without a usable boundary is kept as plain text.
        (parts.html if ctype == "text/html" else parts.plain).append(LINE_BREAK.sub("\n", text))


def _size(part: Message) -> int:
    """Return the decoded size of an attached part; a message/* part counts the message inside."""
    if part.is_multipart():
        return sum(len(child.as_bytes(policy=policy.compat32)) for child in part.get_payload())
    return len(part.get_payload(decode=True) or b"")
