"""Read a mail's header fields: raw values, RFC 2047 words, addresses, message ids and dates.

Values are read from the raw header text rather than through the email
package's header parsing (policy.default), because real mail breaks it: GBK
bytes under a gb2312 label, unknown charsets, group syntax, thousands of
colons in an address field. Raw 8-bit bytes and encoded words are decoded by
services.intake.charsets. This module also repairs a broken header block
(obsolete "Name :" syntax, unindented folded lines, invalid field names)
before the mail is split again. Nothing here raises on malformed input.
"""

from __future__ import annotations

import binascii
import re
from datetime import datetime, timezone
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from services.intake.charsets import decode_text

# Mail arrives with CRLF, bare CR and bare LF line breaks. Removing them unfolds a header value
# (RFC 5322 section 2.2.3); services.intake.mimeparts turns them into "\n" in body text.
LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FIELD = re.compile(rb"[!-9;-~]+[ \t]*:")
_BAD_NAME_CHAR = re.compile(rb"[^!-9;-~]")
_ENCODED_WORD = re.compile(rb"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_ADDRESS = re.compile(r"[^\s<>\"(),;:]+@[^\s<>\"(),;:]+")


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


def repair_headers(data: bytes) -> bytes:
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


def decode_raw_header(value: str, hint: str | None = None) -> str:
    """Decode the raw 8-bit bytes the email package kept as surrogates in a header value."""
    if value.isascii():
        return value
    return decode_text(value.encode("utf-8", "surrogateescape"), None, hint)


def header_values(part: Message, name: str, hint: str | None = None) -> list[str]:
    """Return the unfolded raw values of every field called name, raw 8-bit bytes decoded."""
    return [
        decode_raw_header(LINE_BREAK.sub("", str(value)), hint)
        for key, value in part.raw_items()
        if key.lower() == name
    ]


def first_header(part: Message, name: str, hint: str | None = None) -> str | None:
    """Return the first raw value of the field called name, or None."""
    return next(iter(header_values(part, name, hint)), None)


def _decode_word(match: re.Match[bytes]) -> bytes | None:
    """Return the bytes an encoded word stands for, or None if its encoding is broken."""
    encoding, text = match.group(2).lower(), match.group(3)
    if encoding == b"q":
        return binascii.a2b_qp(text, header=True)
    text = b"".join(text.split())
    try:
        return binascii.a2b_base64(text + b"=" * (-len(text) % 4), strict_mode=True)
    except binascii.Error:
        return None


def _pieces(raw: bytes) -> list[tuple[bytes, str | None]]:
    """Split a header into (bytes, charset) pieces; charset is None for text outside words."""
    pieces: list[tuple[bytes, str | None]] = []
    position = 0
    for match in _ENCODED_WORD.finditer(raw):
        between, decoded = raw[position : match.start()], _decode_word(match)
        after_word = bool(pieces) and pieces[-1][1] is not None
        # Whitespace between two encoded words is not part of the text (RFC 2047 section 6.2).
        if between and not (after_word and decoded is not None and not between.strip()):
            pieces.append((between, None))
        if decoded is None:  # A broken word stays as it was written.
            pieces.append((match.group(0), None))
        else:
            pieces.append((decoded, match.group(1).decode("ascii", "replace").lower()))
        position = match.end()
    pieces.append((raw[position:], None))
    return pieces


def decode_header(value: str) -> str:
    """Decode the RFC 2047 encoded words in a header value that holds no raw 8-bit bytes.

    Adjacent words in one charset are joined before decoding, because mailers
    often split a multi-byte character across two encoded words.
    """
    merged: list[tuple[bytes, str | None]] = []
    for data, charset in _pieces(value.encode("utf-8", "surrogateescape")):
        if merged and charset is not None and merged[-1][1] == charset:
            merged[-1] = (merged[-1][0] + data, charset)
        else:
            merged.append((data, charset))
    return "".join(decode_text(data, charset) for data, charset in merged)


def message_ids(value: str | None) -> list[str]:
    """Return the message ids in a Message-ID, In-Reply-To or References value, unbracketed."""
    if not value or not value.strip():
        return []
    tokens = [token.strip("<>,;") for token in value.split()]
    return _MESSAGE_ID.findall(value) or [t for t in tokens if "@" in t] or [value.strip()]


def addresses(values: list[str]) -> list[tuple[str, str | None]]:
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


def utc_date(value: str | None) -> datetime | None:
    """Return the Date header as an aware UTC datetime, or None if missing or unparsable."""
    try:
        parsed = parsedate_to_datetime(value or "")
        if parsed.tzinfo is None:  # "-0000" means the zone is unknown; read the time as UTC.
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
