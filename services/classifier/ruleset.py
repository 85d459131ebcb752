"""Load and validate the classifier's TOML rule file, and keep it current while the service runs.

A rule file is data: kinds, categories, severity triggers, secondary-complaint phrases, exclusions
and modality markers, each a list of phrases with a rule id and a weight. Loading turns it into an
immutable RuleSet of expanded, normalized phrases; any mistake is a RuleError that names the key
path and, where it can be found, the line. RuleSource re-reads the file when it changes and keeps
the last good rules when a new file is broken.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from .normalize import normalize_phrase

log = logging.getLogger(__name__)

RULES_DIR = Path(__file__).parent / "rules"
DEFAULT_RULES = RULES_DIR / "default.toml"
DEFAULT_PROJECTS = RULES_DIR / "projects.toml"


class RuleError(ValueError):
    """A rule or project file that cannot be used; the message names the file, key and line."""


@dataclass(frozen=True, slots=True)
class Term:
    """One literal phrase to find, and what finding it means."""

    phrase: str
    rule: str
    target: str
    weight: float
    prefix: bool = False
    dimension: str = field(init=False)
    name: str = field(init=False)
    detail: str = field(init=False)

    def __post_init__(self) -> None:
        dimension, _, name = self.target.partition(":")
        object.__setattr__(self, "dimension", dimension)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "detail", f"{self.target} {self.weight:+g}")


@dataclass(frozen=True)
class Settings:
    """The numeric and default settings of a rule file."""

    default_kind: str = "complaint"
    default_category: str = "other"
    collective_major: int = 10
    collective_important: int = 3
    modality_window: int = 8
    negation_window: int = 3
    min_kind_score: float = 1.0
    secondary_threshold: float = 2.0


@dataclass(frozen=True)
class RuleSet:
    """The validated rules: version, category names, settings and every phrase as a Term."""

    version: str
    source: str
    settings: Settings
    category_names: dict[str, tuple[str, str]]
    terms: tuple[Term, ...]
    caps: dict[str, float] = field(default_factory=dict)


KINDS = ("complaint", "inquiry", "feedback")
CATEGORIES = ("construction_quality", "sales", "property_management", "customer_service", "other")
_EFFECTS = {"severity": ("major", "important", "warning"), "modality": ("defer", "negate")}
_TERM_KEYS = {"id", "phrases", "weight", "cap", "effect", "note"}
_TOP_KEYS = {"version", "description", "settings", "kinds", "categories", "severity", "secondary", "exclude", "modality"}


class Problem(Exception):
    """A validation problem: the key path, what is wrong, and a text to find its line by."""

    def __init__(self, key: str, message: str, needle: str | None = None, anchor: str | None = None):
        super().__init__(f"{key}: {message}")
        self.key, self.message, self.needle, self.anchor = key, message, needle, anchor


@dataclass
class Parsed:
    """The checked content of a rule file before phrases are expanded."""

    version: str
    settings: dict
    category_names: dict[str, tuple[str, str]]
    term_specs: list[tuple[list[str], str, str, float]]
    caps: dict[str, float]


def _table(value, key: str, needle: str | None = None) -> dict:
    """Require a TOML table."""
    if not isinstance(value, dict):
        raise Problem(key, "must be a table", needle)
    return value


def _no_unknown(table: dict, allowed: set[str], key: str) -> None:
    """Reject keys the format does not know (usually typos)."""
    for name in table:
        if name not in allowed:
            raise Problem(f"{key}.{name}" if key else name, f"unknown key (allowed: {', '.join(sorted(allowed))})", name)


def _term(entry, key: str, target: str, seen: set[str], caps: dict[str, float]) -> tuple[list[str], str, str, float]:
    """Check one rule entry (id, phrases, weight) and return its term spec."""
    entry = _table(entry, key)
    _no_unknown(entry, _TERM_KEYS, key)
    rule = entry.get("id")
    if not isinstance(rule, str) or not rule:
        raise Problem(f"{key}.id", "missing or not a string", None)
    if rule in seen:
        raise Problem(f"{key}.id", f"duplicate rule id {rule!r}", f'"{rule}"')
    seen.add(rule)
    phrases = entry.get("phrases")
    if not isinstance(phrases, list) or not phrases:
        raise Problem(f"{key}.phrases", f"rule {rule!r} needs a non-empty list of phrases", "phrases", f'"{rule}"')
    for i, phrase in enumerate(phrases):
        if not isinstance(phrase, str) or not phrase.strip():
            raise Problem(f"{key}.phrases[{i}]", f"rule {rule!r}: phrase must be a non-empty string", "phrases", f'"{rule}"')
        try:
            expand(phrase)
        except ValueError as exc:
            raise Problem(f"{key}.phrases[{i}]", f"rule {rule!r}: {exc} in {phrase!r}", phrase) from None
    weight = entry.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight == 0:
        raise Problem(f"{key}.weight", f"rule {rule!r}: weight must be a non-zero number", "weight", f'"{rule}"')
    cap = entry.get("cap")
    if cap is not None:
        if isinstance(cap, bool) or not isinstance(cap, (int, float)) or cap <= 0:
            raise Problem(f"{key}.cap", f"rule {rule!r}: cap must be a positive number", "cap", f'"{rule}"')
        caps[rule] = float(cap)
    return phrases, rule, target, float(weight)


def _effect(entry, key: str, section: str) -> str:
    """Check and return the effect of a severity or modality rule."""
    effect = _table(entry, key).get("effect")
    if effect not in _EFFECTS[section]:
        raise Problem(f"{key}.effect", f"must be one of {', '.join(_EFFECTS[section])}", str(effect))
    return effect


def _settings(data) -> dict:
    """Check the [settings] table against the Settings fields."""
    table = _table(data.get("settings", {}), "settings", "[settings]")
    allowed = {item.name for item in fields(Settings)}
    _no_unknown(table, allowed, "settings")
    if table.get("default_kind", "complaint") not in KINDS:
        raise Problem("settings.default_kind", f"must be one of {', '.join(KINDS)}", "default_kind")
    if table.get("default_category", "other") not in CATEGORIES:
        raise Problem("settings.default_category", f"must be one of {', '.join(CATEGORIES)}", "default_category")
    for name in ("collective_major", "collective_important", "modality_window", "negation_window"):
        value = table.get(name, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise Problem(f"settings.{name}", "must be a positive integer", name)
    return dict(table)


def _grouped(data, section: str, names: tuple[str, ...], seen: set[str], specs: list, caps: dict) -> dict[str, tuple[str, str]]:
    """Check [kinds.*] or [categories.*]: every known name present, each with zh/en and terms."""
    table = _table(data.get(section), section, f"[{section}")
    labels = {}
    for name in table:
        if name not in names:
            raise Problem(f"{section}.{name}", f"unknown name (allowed: {', '.join(names)})", f"{section}.{name}")
    for name in names:
        if name not in table:
            raise Problem(f"{section}.{name}", "missing", f"[{section}")
    for name, body in table.items():
        key = f"{section}.{name}"
        body = _table(body, key, f"[{key}]")
        _no_unknown(body, {"zh", "en", "terms"}, key)
        labels[name] = (str(body.get("zh", name)), str(body.get("en", name)))
        target = f"{section[:-1] if section == 'kinds' else 'category'}:{name}"
        for i, entry in enumerate(body.get("terms", [])):
            specs.append(_term(entry, f"{key}.terms[{i}]", target, seen, caps))
    return labels


def parse_rules(data: dict) -> Parsed:
    """Check a parsed rule file and return its settings, names and term specs."""
    _no_unknown(data, _TOP_KEYS, "")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise Problem("version", "missing or empty (every label reports it)", "version")
    seen: set[str] = set()
    specs: list = []
    caps: dict[str, float] = {}
    _grouped(data, "kinds", KINDS, seen, specs, caps)
    names = _grouped(data, "categories", CATEGORIES, seen, specs, caps)
    for section in ("severity", "secondary", "exclude", "modality"):
        entries = data.get(section, [])
        if not isinstance(entries, list):
            raise Problem(section, "must be an array of tables ([[...]])", section)
        for i, entry in enumerate(entries):
            key = f"{section}[{i}]"
            target = section
            if section in _EFFECTS:
                target = f"{section}:{_effect(entry, key, section)}"
            specs.append(_term(entry, key, target, seen, caps))
    return Parsed(version.strip(), _settings(data), names, specs, caps)


def expand(phrase: str) -> list[str]:
    """Expand {a,b} alternatives in a phrase into every literal combination."""
    start = phrase.find("{")
    if start < 0:
        return [phrase]
    end = phrase.find("}", start)
    if end < 0:
        raise ValueError("unclosed '{'")
    head, tail = phrase[:start], phrase[end + 1 :]
    options = phrase[start + 1 : end].split(",")
    return [head + option + rest for option in options for rest in expand(tail)]


def make_terms(phrases: list[str], rule: str, target: str, weight: float) -> list[Term]:
    """Turn the phrases of one rule into normalized Terms ("word*" matches any word ending)."""
    terms = []
    for raw in phrases:
        for literal in expand(raw):
            prefix = literal.endswith("*")
            text = normalize_phrase(literal.rstrip("*"))
            if text:
                terms.append(Term(text, rule, target, float(weight), prefix))
    return terms


def _line_of(text: str, needle: str, anchor: str | None = None) -> int | None:
    """Return the 1-based line of needle, searched from the table that holds anchor when given."""
    start = 0
    if anchor and anchor in text:
        start = max(0, text.rfind("[", 0, text.find(anchor)))
    index = text.find(needle, start)
    if index < 0 and anchor:
        index = text.find(anchor)
    return None if index < 0 else text.count("\n", 0, index) + 1


def _error(path: str, text: str, problem: Problem) -> RuleError:
    """Build a RuleError naming file, key path and the most likely line."""
    line = _line_of(text, problem.needle, problem.anchor) if problem.needle else None
    where = f"{path}:{line}" if line else path
    return RuleError(f"{where}: {problem.key}: {problem.message}")


def read_toml(path: str | os.PathLike) -> tuple[dict, str]:
    """Read a TOML file, turning a syntax error into a RuleError with its line."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: TOML syntax error: {exc}") from None


def _no_double_counting(path: str, text: str, terms: tuple[Term, ...]) -> None:
    """Reject a phrase given twice for the same target by different rules (it would count twice)."""
    seen: dict[tuple[str, str], str] = {}
    for term in terms:
        other = seen.setdefault((term.target, term.phrase), term.rule)
        if other != term.rule:
            problem = Problem(f"{term.rule}.phrases", f"phrase {term.phrase!r} is also in rule {other!r} for {term.target}", term.phrase, f'"{term.rule}"')
            raise _error(path, text, problem)


def load_rules(path: str | os.PathLike | None = None) -> RuleSet:
    """Load, validate and expand a rule file (the shipped default when path is empty)."""
    path = str(path or DEFAULT_RULES)
    data, text = read_toml(path)
    try:
        parsed = parse_rules(data)
    except Problem as problem:
        raise _error(path, text, problem) from None
    terms = tuple(term for spec in parsed.term_specs for term in make_terms(*spec))
    _no_double_counting(path, text, terms)
    settings = Settings(**parsed.settings)
    return RuleSet(parsed.version, path, settings, parsed.category_names, terms, parsed.caps)


class RuleSource:
    """The current rules of a file: re-read when the file's mtime changes, or on reload()."""

    def __init__(self, path: str | os.PathLike | None = None, check_interval: float = 1.0):
        self.path = str(path or DEFAULT_RULES)
        self.check_interval = check_interval
        self.error: str | None = None
        self._lock = threading.Lock()
        self._rules = load_rules(self.path)
        self._stamp = self._file_stamp()
        self._checked = time.monotonic()

    def _file_stamp(self) -> tuple[int, int] | None:
        """Return the file's (mtime_ns, size), or None when it cannot be read."""
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def current(self) -> RuleSet:
        """Return the rules, first re-reading the file if it changed since the last look."""
        now = time.monotonic()
        if now - self._checked >= self.check_interval:
            self._checked = now
            stamp = self._file_stamp()
            if stamp is not None and stamp != self._stamp:
                self.reload()
        return self._rules

    def reload(self) -> str | None:
        """Re-read the file now; keep the old rules on error and return the error (None when fine)."""
        with self._lock:
            stamp = self._file_stamp()
            try:
                rules = load_rules(self.path)
            except (OSError, RuleError) as exc:
                self._stamp = stamp
                self.error = str(exc)
                log.error("classifier rules not reloaded, keeping version %s: %s", self._rules.version, exc)
                return self.error
            self._rules, self._stamp, self.error = rules, stamp, None
            log.info("classifier rules loaded: version %s", rules.version)
            return None
