"""Decode bytes in the charset a mail declares for them into text, never raising.

Mail often lies about its charset: GBK text is labelled gb2312 or utf-8,
UTF-8 or GBK bytes are labelled us-ascii or iso-8859-1, headers carry raw
8-bit bytes, and some labels name no charset Python knows. Decoding tries the
declared charset (or the superset mailers really use, such as GB18030 for
gb2312 and gbk), then UTF-8, also with a few damaged sequences; where the
label is missing, us-ascii or utf-8, it then tries a hint (for raw header
bytes: the body's charset) and GB18030. It ends with a decoding that always
succeeds: the declared charset with replacement characters, or Latin-1, which
maps every byte.
"""

from __future__ import annotations

import codecs
import re

# Labels Python does not know; None marks labels that name no charset at all.
_ALIASES = {
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "gb-2312": "gb18030",
    "x-gb2312": "gb18030",
    "csgb2312": "gb18030",
    "x-euc-cn": "gb18030",
    "windows-31j": "cp932",
    "unknown-8bit": None,
    "x-unknown": None,
}
# Codecs replaced by the superset that mailers really produce under their label.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "euc_kr": "cp949", "shift_jis": "cp932"}
# Marks the attempt that accepts UTF-8 with a few broken sequences (see _lenient_utf8).
_LENIENT_UTF8 = "utf-8, a few errors replaced"
_ASCII = bytes(range(128))


def codec_for(label: str | None) -> str | None:
    """Return the Python codec to decode a charset label with, or None if it is unknown."""
    name = (label or "").strip().strip("\"'").split("*", 1)[0].lower()
    if not name or name in _ALIASES or len(name) > 40:
        return _ALIASES.get(name)
    for candidate in (name, name.removeprefix("x-"), re.sub(r"^windows-(\d+)$", r"cp\1", name)):
        try:
            codec = codecs.lookup(candidate).name
        except (LookupError, ValueError):  # ValueError: a NUL byte in the label.
            continue
        return _SUPERSETS.get(codec, codec)
    return None


def _attempts(codec: str | None, hint: str | None) -> list[str]:
    """Return the decodings to try, in order, for data labelled codec."""
    if codec in (None, "ascii"):  # No label, or one that 8-bit data ignores: guess.
        return [*filter(None, [codec, "utf-8", _LENIENT_UTF8, hint]), "gb18030"]
    if codec in ("iso8859-1", "cp1252"):
        return ["utf-8", codec]  # Single-byte text that is valid UTF-8 is UTF-8.
    if codec == "utf-8":
        return ["utf-8", _LENIENT_UTF8, "gb18030"]  # GBK text is often labelled UTF-8.
    return [codec, "utf-8"]


def _lenient_utf8(data: bytes) -> str | None:
    """Return data as UTF-8 if at most 5 % of its non-ASCII bytes are in broken sequences.

    A few broken sequences mean damaged UTF-8; text in another charset breaks
    nearly everywhere. Strict GB18030 would accept damaged UTF-8 as nonsense.
    """
    text = data.decode("utf-8", "replace")
    return text if text.count("\ufffd") * 20 <= len(data.translate(None, _ASCII)) else None


def _strict(data: bytes, codec: str) -> str | None:
    """Return data decoded with codec, or None if it does not decode."""
    try:
        return data.decode(codec)
    except (LookupError, ValueError):  # LookupError: the codec is not a text encoding.
        return None


def decode_text(data: bytes, label: str | None, hint: str | None = None) -> str:
    """Decode data labelled with charset label; hint is tried when the label is no help."""
    codec = codec_for(label)
    for attempt in _attempts(codec, codec_for(hint)):
        text = _lenient_utf8(data) if attempt == _LENIENT_UTF8 else _strict(data, attempt)
        if text is not None:
            return text
    try:
        return data.decode(codec or "latin-1", "replace")
    except (LookupError, ValueError):  # The label names a codec that is not a text encoding.
        return data.decode("latin-1")
