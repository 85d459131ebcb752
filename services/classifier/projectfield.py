"""Resolve the project a call-centre agent typed in a phone log, as written, abbreviated or mistyped.

Agents type fast: "Hillside Res.", "Maple Ct", "Riverside No.1", and with a pinyin input method
they pick a character that sounds right but is wrong (观兰府 for 观澜府, 金贵园 for 金桂园). Two
fallbacks run after the exact name and a name found inside the field:

- letters: the field without spaces and punctuation, with common abbreviations spelled out, is
  the start of one project's name or alias ("hillsideres" → "hillsideresidence"), or a name of at
  least six letters starts the field ("binjiang1" starts with "binjiang");
- sound: the field's Chinese characters read, in pinyin without tones, like one project's Chinese
  name or alias, start with it (观兰府三期 → guan lan fu …), or are its first two syllables or more
  (滨江 → 滨江一号). A character of the name with two readings matches either: 栖 reads qi and xi,
  and agents who say xi type 云溪苑 for 云栖苑 (pypinyin's heteronym table gives the readings). Any
  other sound is a different estate: 云霞苑 (yun xia yuan) is not 云栖苑.
- typo: the field's letters are one keystroke from an alias's (a letter dropped, added, changed,
  or two swapped: "Riversdie 1", "Emrald Lake"), two for aliases of ten letters or more. rapidfuzz
  computes the distance (optimal string alignment), a well-kept C library rather than our own loop.

- initials: agents shorten a name to its initials: "EL Garden" (Emerald Lake Garden), "GL
  Residence" (观澜府, guan lan: its English name ends in Residence), "ELG". The initials of an
  alias's first words, or of its Chinese name's syllables but the last (府, 苑, 园: the kind of
  estate), with the alias's last English word or nothing after them.

A phase or stage after the name (三期, ph3, Phase 2) is dropped before the fallbacks: it names a part
of the estate, not another estate. A fallback counts only when it points to exactly one project.
pypinyin reads the characters; it is imported on first use, since most fields match exactly and
its dictionary takes a moment to load. The sound test also finds a homophone typo of a Chinese
name inside a mail's text (金贵园三期 for 金桂园: ProjectList.sound_alike).
"""

from __future__ import annotations

import re
from functools import lru_cache

_ABBREVIATIONS = {"ct": "court", "crt": "court", "res": "residence", "resid": "residence", "gdn": "garden", "gdns": "gardens", "gd": "garden", "mans": "mansion"}
_WORD = re.compile(r"[a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u9fff]+")
_MIN_STEM = 6  # A shorter name at the start of a field ("one", "maple") is too likely to be chance.
_MIN_TYPED = 5  # A shorter field ("Hill", "Park") starts too many names to be an abbreviation of one.
_MIN_TYPO = 6  # One keystroke from a shorter name is too often another word.
_LONG_TYPO = 10  # From this many letters, two keystrokes still leave the name recognizable.
_PHASE = re.compile(r"\s*(?:phase\s*[0-9ivx]+|ph\.?\s*[0-9]+|第?[一二三四五六七八九十0-9]+期(?:工程)?)\s*$")


def without_phase(value: str) -> str:
    """Return a normalized field without a trailing phase ("jxhf ph3" → "jxhf", 滨江二期 → 滨江)."""
    return _PHASE.sub("", value) or value


def all_han(value: str) -> bool:
    """Tell whether a text is Chinese characters only."""
    return _HAN.fullmatch(value) is not None


def letters(value: str) -> str:
    """Return the Latin letters and digits of a field, abbreviations spelled out ("Maple Ct." → "maplecourt")."""
    return "".join(_ABBREVIATIONS.get(word, word) for word in _WORD.findall(value.casefold()))


@lru_cache(maxsize=4096)  # Bounded: the service sees an endless stream of typed fields.
def sound(value: str) -> tuple[str, ...]:
    """Return the toneless pinyin of a text's Chinese characters (观澜府 → guan, lan, fu)."""
    from pypinyin import lazy_pinyin

    return tuple(syllable for run in _HAN.findall(value) for syllable in lazy_pinyin(run))


@lru_cache(maxsize=256)  # The aliases: a few dozen.
def readings(value: str) -> tuple[frozenset[str], ...]:
    """Return every toneless pinyin reading of each of a name's Chinese characters (云栖苑 → {yun}, {qi, xi}, {yuan, yu, yun})."""
    from pypinyin import Style, pinyin

    return tuple(frozenset(found) for run in _HAN.findall(value) for found in pinyin(run, style=Style.NORMAL, heteronym=True))


def _only(names: dict[str, str], matches) -> str | None:
    """Return the one project with an alias that matches(alias) accepts, or None when none or several have one."""
    found = {project for alias, project in names.items() if matches(alias)}
    return next(iter(found)) if len(found) == 1 else None


def by_letters(value: str, names: dict[str, str]) -> str | None:
    """Return the one project whose alias the field's letters abbreviate or start with (names: alias → project)."""
    typed = letters(value)
    if len(typed) < _MIN_TYPED:
        return None

    def abbreviates(alias: str) -> bool:
        full = letters(alias)
        return bool(full) and (full.startswith(typed) or (len(full) >= _MIN_STEM and typed.startswith(full)))

    return _only(names, abbreviates)


def sounds_like(typed: tuple[str, ...], alias: str) -> bool:
    """Tell whether syllables read like a Chinese alias of two syllables or more, or its start, or start with it (any reading of each character)."""
    spoken = readings(alias)
    return len(spoken) >= 2 and all(syllable in options for syllable, options in zip(typed, spoken))


def by_sound(value: str, names: dict[str, str]) -> str | None:
    """Return the one project whose Chinese alias the field sounds like, starts like (观兰府三期) or begins (滨江 of 滨江一号); names: alias → project."""
    typed = sound(value)
    if len(typed) < 2:
        return None
    return _only(names, lambda alias: sounds_like(typed, alias))


def by_typo(value: str, names: dict[str, str]) -> str | None:
    """Return the one project whose alias the field's letters are a keystroke or two from ("Riversdie 1"), names: alias → project."""
    # Imported on first use like pypinyin: it adds about 45 ms to every start-up, and most fields match exactly.
    from rapidfuzz.distance import OSA

    typed = letters(value)
    if len(typed) < _MIN_TYPO:
        return None

    def near(alias: str) -> bool:
        full = letters(alias)
        return len(full) >= _MIN_TYPO and OSA.distance(typed, full, score_cutoff=2) <= (2 if len(full) >= _LONG_TYPO else 1)

    return _only(names, near)


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
    return _only(names, lambda alias: typed in _initial_forms(alias, tuple(sorted(tails.get(names[alias], ())))))
