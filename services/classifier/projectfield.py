"""Resolve the project a call-centre agent typed in a phone log, as written, abbreviated or mistyped.

Agents type fast: "Hillside Res.", "Maple Ct", "Riverside No.1", and with a pinyin input method
they pick a character that sounds right but is wrong (观兰府 for 观澜府, 金贵园 for 金桂园). Two
fallbacks run after the exact name and a name found inside the field:

- letters: the field without spaces and punctuation, with common abbreviations spelled out, is
  the start of one project's name or alias ("hillsideres" → "hillsideresidence"), or a name of at
  least six letters starts the field ("binjiang1" starts with "binjiang");
- sound: the field's Chinese characters read, in pinyin without tones, like one project's Chinese
  name or alias, or start with it (观兰府三期 → guan lan fu …). A different sound is a different
  estate: 云溪苑 (yun xi yuan) is not 云栖苑 (yun qi yuan).

- initials: agents shorten a name to its initials: "EL Garden" (Emerald Lake Garden), "GL
  Residence" (观澜府, guan lan: its English name ends in Residence), "ELG". The initials of an
  alias's first words, or of its Chinese name's syllables but the last (府, 苑, 园: the kind of
  estate), with the alias's last English word or nothing after them.

A fallback counts only when it points to exactly one project. pypinyin reads the characters; it is
imported on first use, since most fields match exactly and its dictionary takes a moment to load.
"""

from __future__ import annotations

import re
from functools import lru_cache

_ABBREVIATIONS = {"ct": "court", "crt": "court", "res": "residence", "resid": "residence", "gdn": "garden", "gdns": "gardens", "gd": "garden", "mans": "mansion"}
_WORD = re.compile(r"[a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u9fff]+")
_MIN_STEM = 6  # A shorter name at the start of a field ("one", "maple") is too likely to be chance.
_MIN_TYPED = 5  # A shorter field ("Hill", "Park") starts too many names to be an abbreviation of one.


def letters(value: str) -> str:
    """Return the Latin letters and digits of a field, abbreviations spelled out ("Maple Ct." → "maplecourt")."""
    return "".join(_ABBREVIATIONS.get(word, word) for word in _WORD.findall(value.casefold()))


@lru_cache(maxsize=4096)  # Bounded: the service sees an endless stream of typed fields.
def sound(value: str) -> tuple[str, ...]:
    """Return the toneless pinyin of a text's Chinese characters (观澜府 → guan, lan, fu)."""
    from pypinyin import lazy_pinyin

    return tuple(syllable for run in _HAN.findall(value) for syllable in lazy_pinyin(run))


def _only(found: set[str]) -> str | None:
    """Return the one project found, or None when none or several were."""
    return next(iter(found)) if len(found) == 1 else None


def by_letters(value: str, names: dict[str, str]) -> str | None:
    """Return the one project whose alias the field's letters abbreviate or start with (names: alias → project)."""
    typed = letters(value)
    if len(typed) < _MIN_TYPED:
        return None
    found = set()
    for alias, project in names.items():
        full = letters(alias)
        if full and (full.startswith(typed) or (len(full) >= _MIN_STEM and typed.startswith(full))):
            found.add(project)
    return _only(found)


def by_sound(value: str, names: dict[str, str]) -> str | None:
    """Return the one project whose Chinese alias the field sounds like, or starts like (names: alias → project)."""
    typed = sound(value)
    if len(typed) < 2:
        return None
    found = set()
    for alias, project in names.items():
        spoken = sound(alias)
        if len(spoken) >= 2 and typed[: len(spoken)] == spoken:
            found.add(project)
    return _only(found)


def _initial_forms(alias: str, english_tails: tuple[str, ...]) -> set[str]:
    """Return the initialisms an agent may type for an alias: "el garden" and "elg" for Emerald Lake Garden, "gl residence" for 观澜府."""
    forms = set()
    words = _WORD.findall(alias.casefold())
    if len(words) >= 2 and alias.isascii():
        for cut in range(2, len(words) + 1):
            forms.add(" ".join(["".join(word[0] for word in words[:cut])] + words[cut:]))
    syllables = sound(alias)
    if len(syllables) >= 3:
        stem = "".join(syllable[0] for syllable in syllables[:-1])
        forms.add(stem + "".join(syllable[0] for syllable in syllables[-1:]))
        forms.update(f"{stem} {tail}" for tail in english_tails)
    return forms


def by_initials(value: str, names: dict[str, str]) -> str | None:
    """Return the one project whose initials the field types ("EL Garden", "GL Res"), names: alias → project."""
    words = [_ABBREVIATIONS.get(word, word) for word in _WORD.findall(value.casefold())]
    if not words or not 2 <= len(words[0]) <= 4 or not value.isascii():
        return None
    typed = " ".join(words)
    tails: dict[str, set[str]] = {}
    for alias, project in names.items():
        alias_words = _WORD.findall(alias.casefold())
        if alias.isascii() and len(alias_words) >= 2:
            tails.setdefault(project, set()).add(alias_words[-1])
    found = {project for alias, project in names.items() if typed in _initial_forms(alias, tuple(sorted(tails.get(project, ()))))}
    return _only(found)
