"""Load and validate the classifier's TOML rule file, and keep it current while the service runs.

A rule file is data: kinds, categories, severity triggers, secondary-complaint phrases, exclusions
and modality markers, each a list of phrases with a rule id and a weight. Loading checks it
(rulecheck.py) and turns it into an immutable RuleSet of expanded, normalized phrases; any mistake
is a RuleError that names the key path and, where it can be found, the line. RuleSource re-reads
the file when it changes and keeps the last good rules when a new file is broken.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .normalize import normalize_phrase
from .rulecheck import CATEGORIES, KINDS, Problem, Settings, expand, parse_rules
from .textmodel import ModelError, TextModel

__all__ = ["CATEGORIES", "KINDS", "RuleError", "RuleSet", "RuleSource", "Settings", "Term", "expand", "load_rules", "make_terms", "read_toml"]

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
    key: tuple[str, str] = field(init=False)  # (name, rule): what scoring sums weights under.

    def __post_init__(self) -> None:
        dimension, _, name = self.target.partition(":")
        object.__setattr__(self, "dimension", dimension)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "key", (name, self.rule))
        object.__setattr__(self, "detail", f"{self.target} {self.weight:+g}")


@dataclass(frozen=True)
class RuleSet:
    """The validated rules: version, category names, settings and every phrase as a Term."""

    version: str
    source: str
    settings: Settings
    category_names: dict[str, tuple[str, str]]
    terms: tuple[Term, ...]
    caps: dict[str, float] = field(default_factory=dict)
    feedback_weights: dict[str, float] = field(default_factory=dict)
    completes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    requires: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)  # category rule id -> "person" or "conduct"
    model: TextModel | None = None  # the text model's second opinion ([model] in the rule file)
    model_weights: dict[str, float] = field(default_factory=dict)  # head -> weight of its probabilities

    @property
    def label_version(self) -> str:
        """The version every label reports: the rule file's, and the text model's when it weighs in (seed-002-9.3+textmodel-2026.3)."""
        if self.model is None or not any(self.model_weights.values()):
            return self.version
        return f"{self.version}+{self.model.version}"


def make_terms(phrases: list[str], rule: str, target: str, weight: float) -> list[Term]:
    """Turn the phrases of one rule into normalized Terms ("word*" matches any word ending).

    A phrase that two entries of the rule spell (态度很差 and 态度{很,太}{差,…}, or one written twice)
    becomes one Term: the matcher reports a hit per Term, so a repeat would count the phrase twice.
    """
    terms: dict[tuple[str, bool], Term] = {}
    for raw in phrases:
        for literal in expand(raw):
            prefix = literal.endswith("*")
            text = normalize_phrase(literal.rstrip("*"))
            if text:
                terms.setdefault((text, prefix), Term(text, rule, target, float(weight), prefix))
    return list(terms.values())


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
    model, weights = _load_model(path, text, parsed.model)
    return RuleSet(parsed.version, path, settings, parsed.category_names, terms, parsed.caps, parsed.feedback_weights,
                   parsed.completes, parsed.requires, parsed.roles, model, weights)


def _load_model(path: str, text: str, spec: dict | None) -> tuple[TextModel | None, dict[str, float]]:
    """Load the text model a rule file names (its path is relative to the rule file), checking its heads."""
    if spec is None:
        return None, {}
    file = Path(path).parent / spec["file"]
    try:
        model = TextModel.load(file)
    except ModelError as exc:
        raise _error(path, text, Problem("model.file", str(exc), "[model]")) from None
    for head, names in (("kind", KINDS), ("category", CATEGORIES)):
        classes = model.heads[head].classes if head in model.heads else ()
        if not classes or not set(classes) <= set(names):
            raise _error(path, text, Problem("model.file", f"{file}: head {head!r} must give classes of {', '.join(names)}", "[model]"))
    return model, {"kind": spec["kind_weight"], "category": spec["category_weight"]}


class RuleSource:
    """The current rules of a file: re-read when the file (or the text model it names) changes, or on reload()."""

    def __init__(self, path: str | os.PathLike | None = None, check_interval: float = 1.0):
        self.path = str(path or DEFAULT_RULES)
        self.check_interval = check_interval
        self.error: str | None = None
        self._lock = threading.Lock()
        self._rules = load_rules(self.path)
        self._stamp = self._file_stamp()
        self._checked = time.monotonic()

    def _file_stamp(self) -> tuple[int, ...] | None:
        """Return the (mtime_ns, size) of the rule file and of its text model, or None when one cannot be read."""
        paths = [self.path] + ([self._rules.model.source] if self._rules.model is not None else [])
        stamp: list[int] = []
        for path in paths:
            try:
                stat = os.stat(path)
            except OSError:
                return None
            stamp += [stat.st_mtime_ns, stat.st_size]
        return tuple(stamp)

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
