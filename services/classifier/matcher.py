"""Find every rule phrase and project name in a normalized text at once with an Aho-Corasick automaton.

One automaton holds all phrases of a RuleSet. A match of a Latin phrase counts only at word
boundaries (a phrase rule may allow any word ending with a trailing *). Matches inside an
exclusion phrase are dropped, and so is a match contained in a longer match of the same
dimension (kind, category, severity, secondary, modality).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick_rs

from . import projectfield
from .normalize import normalize_phrase
from .ruleset import DEFAULT_PROJECTS, RuleError, RuleSet, Term, read_toml


class Hit(NamedTuple):
    """One phrase found in the text: the half-open span [start, end) and the rule it belongs to."""

    start: int
    end: int
    term: Term

    @property
    def dimension(self) -> str:
        """The family of the hit's target: kind, category, severity, secondary, exclude or modality."""
        return self.term.dimension


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'")


def _is_word_char(char: str) -> bool:
    """Tell whether char belongs to a Latin word (ASCII letters, digits, apostrophe)."""
    return char in _WORD_CHARS


def _word_ends(text: str, end: int) -> bool:
    """Tell whether the word ends at end although a word character follows: a closing quote (done') or a possessive 's."""
    if text[end] != "'":
        return False
    after = end + 2 if text.startswith("'s", end) else end + 1
    return after >= len(text) or text[after] not in _WORD_CHARS


def _opening_quote(text: str, start: int) -> bool:
    """Tell whether the apostrophe before start opens a quotation ('completed) rather than ending a word (don't)."""
    return text[start - 1] == "'" and (start < 2 or text[start - 2] not in _WORD_CHARS)


class Automaton:
    """Every phrase of a set, found at once: ahocorasick_rs (Rust), overlapping matches, character offsets.

    Each phrase carries its length, whether it starts and ends with a word character, and its terms
    twice as (dimension, term) pairs: all of them, and only the prefix terms (word*) that still count
    when more letters follow; the hot loop picks one. ahocorasick_rs replaced pyahocorasick because
    it finds the matches about three times faster, which the classifier's throughput target needs.
    """

    def __init__(self, terms) -> None:
        by_phrase: dict[str, list[Term]] = {}
        for term in terms:
            by_phrase.setdefault(term.phrase, []).append(term)
        self.phrases = list(by_phrase)
        self.values = []
        for phrase, shared in by_phrase.items():
            every = tuple((term.dimension, term) for term in shared)
            self.values.append((_is_word_char(phrase[0]), _is_word_char(phrase[-1]), every, tuple(pair for pair in every if pair[1].prefix)))
        self._search = None
        if self.phrases:
            engine = ahocorasick_rs.AhoCorasick(self.phrases, matchkind=ahocorasick_rs.MatchKind.Standard, implementation=ahocorasick_rs.Implementation.ContiguousNFA)
            self._search = engine.find_matches_as_indexes

    def __len__(self) -> int:
        return len(self.phrases)

    def matches(self, text: str) -> list[tuple[int, int, int]]:
        """Return (phrase index, start, end) of every match in text, overlapping ones included."""
        return self._search(text, overlapping=True) if self._search is not None and text else []


def build_automaton(terms) -> Automaton:
    """Build the automaton of a set of terms."""
    return Automaton(terms)


def _bounded(automaton: Automaton, text: str) -> dict[str, list[Hit]]:
    """Return every match of every phrase in text that sits on word boundaries where it needs them, by dimension.

    A phrase that starts (ends) with a Latin letter or digit must not be preceded (followed) by
    one; a term marked as a prefix (word*) may be followed by more letters. A possessive 's and a
    quotation mark end a word ("City TV's programme" holds "city tv", "marked 'completed'" holds
    "completed"), though the apostrophe of "don't" does not.
    """
    groups: dict[str, list[Hit]] = {}
    size, word, new, get, values = len(text), _WORD_CHARS, tuple.__new__, groups.get, automaton.values
    for index, start, end in automaton.matches(text):
        left, right, every, prefixed = values[index]
        if left and start and text[start - 1] in word and not _opening_quote(text, start):
            continue
        for dimension, term in prefixed if right and end < size and text[end] in word and not _word_ends(text, end) else every:
            members = get(dimension)
            if members is None:
                groups[dimension] = [new(Hit, (start, end, term))]
            else:
                members.append(new(Hit, (start, end, term)))
    return groups


def raw_hits(automaton: Automaton, text: str) -> list[Hit]:
    """Return every bounded match in text, of every dimension, before exclusions and longest-match."""
    return [hit for members in _bounded(automaton, text).values() for hit in members]


def _uncontained(hits: list[Hit]) -> list[Hit]:
    """Keep the hits of one dimension that no strictly longer hit of it contains (one sweep)."""
    hits.sort(key=lambda hit: (hit.start, -hit.end))
    kept, best = [], None
    for hit in hits:
        if best is not None and best.end >= hit.end and (best.start, best.end) != (hit.start, hit.end):
            continue
        kept.append(hit)
        if best is None or hit.end > best.end:
            best = hit
    return kept


def _selected(groups: dict[str, list[Hit]]) -> dict[str, list[Hit]]:
    """Apply exclusions and longest-match within each dimension to hits already grouped."""
    excluded = [(hit.start, hit.end) for hit in groups.pop("exclude", ())]
    for dimension, members in groups.items():
        kept = _uncontained(members) if len(members) > 1 else members
        if excluded:
            kept = [hit for hit in kept if not _excluded(hit, excluded)]
        groups[dimension] = kept
    return groups


def grouped_hits(automaton: Automaton, text: str) -> dict[str, list[Hit]]:
    """Return the bounded matches of text grouped by dimension, without those inside exclusions or longer hits."""
    return _selected(_bounded(automaton, text))


def _excluded(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    """Tell whether a hit lies inside a strictly longer exclusion span."""
    start, end = hit.start, hit.end
    for low, high in spans:
        if low <= start and end <= high and high - low > end - start:
            return True
    return False


class Matcher:
    """The automaton of one RuleSet: find the selected hits of a text."""

    def __init__(self, rules: RuleSet, projects: "ProjectList | None" = None):
        self.rules = rules
        extra = projects.terms if projects is not None else ()
        # Project names are found in the same pass and hide the rule phrases inside them (Maple *Court*).
        # Only names that hold a rule phrase need hiding; the others would add a useless hit per mention.
        rules_only = build_automaton(rules.terms)
        hide = tuple(Term(term.phrase, "exclude.project_name", "exclude", 1.0) for term in extra if raw_hits(rules_only, term.phrase))
        self.automaton = build_automaton(rules.terms + extra + hide)

    def groups(self, text: str) -> dict[str, list[Hit]]:
        """Return the selected hits of text grouped by dimension (project mentions under "project")."""
        return grouped_hits(self.automaton, text)

    def find(self, text: str) -> list[Hit]:
        """Return the selected hits of text, ordered by position."""
        hits = [hit for members in grouped_hits(self.automaton, text).values() for hit in members]
        hits.sort(key=lambda hit: (hit.start, hit.end))
        return hits


# The fallbacks for a typed project field, in order, with how each explains itself (projectfield.py).
_FALLBACKS = (
    (projectfield.by_letters, "abbreviation of"),
    (projectfield.by_sound, "sounds like"),
    (projectfield.by_initials, "initials of"),
    (projectfield.by_typo, "typo of"),
)


@dataclass(frozen=True)
class Project:
    """One project of the company: the name reported in labels, its aliases and address patterns."""

    name: str
    aliases: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]


class ProjectList:
    """The company's projects, recognized from the phone log's field or from the message text."""

    def __init__(self, projects: list[Project], version: str = "", source: str = "", not_ours: tuple[str, ...] = ()):
        self.projects = tuple(projects)
        self.version, self.source = version, source
        self.not_ours = not_ours
        names = {normalize_phrase(alias): project.name for project in projects for alias in (project.name, *project.aliases)}
        self.terms = tuple(Term(phrase, name, "project", 1.0) for phrase, name in names.items() if phrase)
        self._by_alias = {term.phrase: term.rule for term in self.terms}
        self._automaton = build_automaton(self.terms)
        # Chinese names of three characters or more, by their last character, for sound-alikes in a text.
        self._han_names = tuple((alias, project) for alias, project in self._by_alias.items() if len(alias) >= 3 and projectfield.all_han(alias))

    def resolve(self, value: str | None) -> str | None:
        """Return the project a phone log's project field names (its reported name), or the field itself."""
        return self.resolve_field(value)[0]

    def resolve_field(self, value: str | None) -> tuple[str | None, str]:
        """Return the project a phone log's field names and how it was recognized (projectfield.py for the fallbacks)."""
        if not value or not value.strip():
            return None, "empty"
        text = normalize_phrase(value)
        if text in self._by_alias:
            return self._by_alias[text], "name"
        found = self.find(text)
        if found:
            # A field that holds a name among other words (滨江一号8栋, 翠湖山庄) is that project unless the log denies it.
            return found[0], "name" if found[1] is None or found[1].end - found[1].start == len(text) else f"holds {found[0]}"
        text = projectfield.without_phase(text)
        if text in self._by_alias:
            return self._by_alias[text], "name"
        for fallback, how in _FALLBACKS:
            found = fallback(text, self._by_alias)
            if found:
                return found, f"{how} {found}"
        return value.strip(), "not a known project"

    def says_not_ours(self, text: str) -> str | None:
        """Return the not_ours phrase a normalized text holds ("非我司开发项目"), or None."""
        return next((phrase for phrase in self.not_ours if phrase in text), None)

    def mentions(self, text: str) -> list[Hit]:
        """Return every mention of a project name or alias in a normalized text, longest first at a place."""
        hits = sorted(raw_hits(self._automaton, text), key=lambda hit: (hit.start, hit.start - hit.end))
        kept, last_end = [], -1
        for hit in hits:
            if hit.start >= last_end:
                kept.append(hit)
                last_end = hit.end
        return kept

    def find(self, text: str, mentions: list[Hit] | None = None) -> tuple[str, Hit | None] | None:
        """Return the project a normalized text is about, with its first mention (None for a pattern match).

        A project named with an address or ownership (我是X的业主, X 3栋, I live at X, X 3-1704) beats
        one that is only mentioned; otherwise the most mentioned, then the first, wins.
        """
        mentions = self.mentions(text) if mentions is None else mentions
        if mentions:
            scores: dict[str, float] = {}
            for hit in mentions:
                scores[hit.term.rule] = scores.get(hit.term.rule, 0.0) + 1.0 + 2.0 * _owned(text, hit)
            best = max(scores.values())
            first = next(hit for hit in mentions if scores[hit.term.rule] == best)
            return first.term.rule, first
        for project in self.projects:
            if any(pattern.search(text) for pattern in project.patterns):
                return project.name, None
        return None

    def sound_alike(self, text: str) -> Hit | None:
        """Return the one project a normalized text names with a homophone typo (金贵园三期 for 金桂园), as a hit, or None.

        Only names of three characters or more are looked for, at each place their last character
        (园, 苑, 府) stands, so a text costs a few string searches; the sound test is projectfield's.
        """
        found: dict[str, Hit] = {}
        for alias, project in self._han_names:
            size = len(alias)
            end = text.find(alias[-1], size - 1)
            while end != -1:
                window = text[end - size + 1 : end + 1]
                if window != alias and projectfield.all_han(window) and projectfield.sounds_like(projectfield.sound(window), alias):
                    found.setdefault(project, Hit(end - size + 1, end + 1, Term(alias, project, "project", 1.0)))
                    break
                end = text.find(alias[-1], end + 1)
        return next(iter(found.values())) if len(found) == 1 else None


_OWNED_AFTER = re.compile(r"\s*(?:的)?\s*(?:[0-9一二三四五六七八九十]+\s*(?:栋|号楼|幢|座|单元|期|-|号|#)|业主|住户|building|block|tower|unit|phase|[0-9]+-[0-9]+|\d)")
_OWNED_BEFORE = re.compile(r"(?:我是|我住|住在|我家在|我在|本人在|live at|live in|living at|living in|owner at|owner in|resident of|resident at|flat in|flat at|unit at|unit in|apartment in|apartment at)\s*(?:the\s*)?$")


def _owned(text: str, hit: Hit) -> bool:
    """Tell whether a project mention carries an address or ownership marker."""
    return bool(_OWNED_AFTER.match(text, hit.end) or _OWNED_BEFORE.search(text, max(0, hit.start - 16), hit.start))


def load_projects(path: str | os.PathLike | None = None) -> ProjectList:
    """Load and validate a project list (TOML: version and [[project]] name, aliases, patterns)."""
    path = str(path or DEFAULT_PROJECTS)
    data, text = read_toml(path)
    projects = []
    for i, entry in enumerate(data.get("project", [])):
        key = f"project[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise RuleError(f"{path}: {key}.name: missing or not a string")
        unknown = set(entry) - {"name", "aliases", "patterns", "note"}
        if unknown:
            raise RuleError(f"{path}: {key}.{sorted(unknown)[0]}: unknown key (allowed: aliases, name, note, patterns)")
        aliases = _strings(entry.get("aliases", []), path, f"{key}.aliases")
        patterns = tuple(_pattern(p, path, f"{key}.patterns") for p in _strings(entry.get("patterns", []), path, f"{key}.patterns"))
        projects.append(Project(entry["name"].strip(), tuple(aliases), patterns))
    not_ours = tuple(normalize_phrase(phrase) for phrase in _strings(data.get("not_ours", []), path, "not_ours"))
    return ProjectList(projects, str(data.get("version", "")), path, not_ours)


def _strings(value, path: str, key: str) -> list[str]:
    """Require a list of non-empty strings."""
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise RuleError(f"{path}: {key}: must be a list of non-empty strings")
    return value


def _pattern(source: str, path: str, key: str) -> re.Pattern:
    """Compile an address pattern (a regular expression over normalized text)."""
    try:
        return re.compile(normalize_phrase(source))
    except re.error as exc:
        raise RuleError(f"{path}: {key}: bad pattern {source!r}: {exc}") from None
