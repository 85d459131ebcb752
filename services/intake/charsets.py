"""Decode what a mail encodes (charsets, RFC 2047, MIME parameters, HTML) into text, never raising.

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

import binascii
import codecs
import re
from dataclasses import dataclass
from email.message import Message
from html import unescape
from html.parser import HTMLParser

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

_ENCODED_WORD = re.compile(rb"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")
_HTML_TAG = re.compile(r"<[^>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")


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


def decode_raw_header(value: str, hint: str | None = None) -> str:
    """Decode the raw 8-bit bytes the email package kept as surrogates in a header value."""
    if value.isascii():
        return value
    return decode_text(value.encode("utf-8", "surrogateescape"), None, hint)


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


@dataclass(frozen=True)
class MimeInfo:
    """What a part's Content-Type and Content-Disposition say, decoded."""

    content_type: str
    disposition: str | None
    filename: str | None
    charset: str | None
    report_type: str | None


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


class _HTMLText(HTMLParser):
    """Collect the visible text of an HTML document, with line breaks where blocks end."""

    _HIDDEN = {"script", "style", "title"}
    _PARAGRAPHS = {"p", "blockquote", "pre", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}
    _LINES = {"div", "li", "tr", "dt", "dd", "center", "section", "article", "header", "footer"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden = 0
        self.trailing = 0  # How many line breaks the text collected so far ends with.

    def _break(self, count: int) -> None:
        """End the current line; count=2 leaves a blank line, as between paragraphs."""
        if self.trailing < count:
            self.chunks.append("\n" * (count - self.trailing))
            self.trailing = count

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag == "body":
            self.hidden = 0  # An unclosed <style> or <title> in the head must not hide the body.
        elif tag in ("br", "hr"):
            self.chunks.append("\n")
            self.trailing += 1
        elif tag in ("td", "th"):
            self.chunks.append(" ")  # Cells of one row stay on one line, apart.
        else:
            self._block(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        else:
            self._block(tag)

    def _block(self, tag: str) -> None:
        """Break the line where a block element starts or ends."""
        if tag in self._PARAGRAPHS:
            self._break(2)
        elif tag in self._LINES:
            self._break(1)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            text = _HTML_SPACE.sub(" ", data)
            self.chunks.append(text)
            self.trailing = self.trailing if text.isspace() else 0


def html_to_text(html: str) -> str:
    """Return the visible text of html: no script or style, a line per <br>, <p> or <div>."""
    parser = _HTMLText()
    try:
        parser.feed(html)
        parser.close()
        text = "".join(parser.chunks)
    except Exception:  # html.parser still raises on some broken markup: strip the tags instead.
        text = unescape(_HTML_TAG.sub(" ", html))
    lines = (" ".join(line.split()) for line in text.split("\n"))  # split() also takes &nbsp;.
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
