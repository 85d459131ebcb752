"""Normalize customer text so that one keyword list matches every way of writing it.

The steps are: Unicode NFKC (full-width letters, digits and punctuation become half-width),
case folding, traditional→simplified characters (a table built from OpenCC), and collapsing runs of
spaces and tabs. Newlines are kept because quoting and clause splitting use them. Positions that
the classifier reports refer to the normalized text this module returns.
"""

from __future__ import annotations

import re
import unicodedata

import opencc

# Traditional → simplified: a one-character-to-one-character table taken from OpenCC's "t2s"
# conversion (the maintained open-source converter; its dictionaries ship in the wheel). Converting
# character by character, once, gives a str.translate table: matching needs the same form on both
# sides, not OpenCC's phrase-level choices, and a table costs nothing per message when the text has
# no traditional character. Characters OpenCC turns into several characters are left alone.
_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


def _traditional_table() -> dict[int, str]:
    """Build the traditional → simplified table from OpenCC, one character at a time."""
    converter = opencc.OpenCC("t2s")
    table = {}
    for low, high in _BLOCKS:
        for code in range(low, high):
            simplified = converter.convert(chr(code))
            if len(simplified) == 1 and simplified != chr(code):
                table[code] = simplified
    return table


# The characters that end a sentence in normalized text (full-width ！？； became half-width).
SENTENCE_ENDS = ".!?;\n。！？；"

_TABLE = _traditional_table()
_TRADITIONAL = re.compile("[" + "".join(sorted(chr(code) for code in _TABLE)) + "]")
_SPACES = re.compile(r"[ \t\u3000\u00a0]{2,}|[\t\u3000\u00a0]")


def to_simplified(text: str) -> str:
    """Replace the traditional characters of the built-in table by their simplified forms."""
    return text.translate(_TABLE)


def normalize(text: str) -> str:
    """Return the normalized form of text: NFKC, case-folded, simplified, spaces collapsed."""
    if not text:
        return ""
    # normalize() checks quickly itself whether there is anything to do; asking is_normalized first scans twice.
    text = unicodedata.normalize("NFKC", text).casefold()
    if _TRADITIONAL.search(text):
        text = text.translate(_TABLE)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Four substring scans cost less than running the pattern over every text that has nothing to collapse.
    if "  " in text or "\t" in text or "\u3000" in text or "\u00a0" in text:
        return _SPACES.sub(" ", text)
    return text


def normalize_phrase(phrase: str) -> str:
    """Return the normalized form of a rule phrase, trimmed of outer spaces."""
    return normalize(phrase).strip()
