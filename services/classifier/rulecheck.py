"""Check the content of a parsed rule file against the format, and name the key of every mistake.

The format's vocabulary lives here: the kinds, the categories, the settings and their defaults,
the effects a severity or modality rule may have, and the keys a rule may carry. parse_rules()
returns the checked content (term specs not yet expanded); a mistake raises a Problem that names
the key path and a text to find its line by (ruleset.py turns it into a RuleError).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

KINDS = ("complaint", "inquiry", "feedback")
CATEGORIES = ("construction_quality", "sales", "property_management", "customer_service", "other")
# A "past" severity rule marks that something already happened (published, aired); it completes the
# warning rules it names (one id or a list) when both stand in one sentence (a reporter ... the story
# was published).
# A "group" rule says that a complainant speaks for others (代表, on behalf of): alone it changes
# nothing, but a people count in its sentence counts even against the phone log's people field.
_EFFECTS = {"severity": ("major", "important", "warning", "past", "group"), "modality": ("defer", "negate", "condition", "elsewhere", "hearsay")}
# A [[context]] rule means nothing alone; a [[secondary]] rule that requires it counts only in a
# sentence that also holds one of its phrases (a ticket ... was closed).
_TERM_KEYS = {"id", "phrases", "weight", "cap", "feedback_weight", "effect", "note"}
# A category rule's role says what its phrases are evidence of: "person" rules name who (a steward,
# a technician), not what the matter is; "conduct" rules say how staff behaved or answered. In a
# complaint with enough conduct evidence, person rules do not count (the staff's conduct is the matter).
_ROLES = ("person", "conduct")
_LINK_KEYS = {"severity": {"completes"}, "secondary": {"requires"}}
_TOP_KEYS = {"version", "description", "settings", "kinds", "categories", "severity", "secondary", "exclude", "modality", "context", "model"}
_MODEL_KEYS = {"file", "kind_weight", "category_weight"}


@dataclass(frozen=True)
class Settings:
    """The numeric and default settings of a rule file."""

    default_kind: str = "complaint"
    default_category: str = "other"
    collective_major: int = 10
    collective_important: int = 3
    modality_window: int = 8
    negation_window: int = 3
    completion_window: int = 200
    min_kind_score: float = 1.0
    secondary_threshold: float = 2.0
    rhetorical_evidence: float = 4.0
    conduct_evidence: float = 4.0
    dictation_length: int = 40


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
    feedback_weights: dict[str, float]
    completes: dict[str, tuple[str, ...]]
    requires: dict[str, str]
    roles: dict[str, str]
    model: dict | None = None


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


def _number(entry: dict, name: str, key: str, rule: str, caps: dict[str, dict[str, float]]) -> None:
    """Check an optional positive number (cap, feedback_weight) of a rule and record it."""
    value = entry.get(name)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise Problem(f"{key}.{name}", f"rule {rule!r}: {name} must be a positive number", name, f'"{rule}"')
    caps[name][rule] = float(value)


def _term(entry, key: str, target: str, seen: set[str], caps: dict[str, dict[str, float]], links: frozenset = frozenset()) -> tuple[list[str], str, str, float]:
    """Check one rule entry (id, phrases, weight, and the links its section allows) and return its term spec."""
    entry = _table(entry, key)
    _no_unknown(entry, _TERM_KEYS | links, key)
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
    for name in ("cap", "feedback_weight"):
        _number(entry, name, key, rule, caps)
    return phrases, rule, target, float(weight)


def _effect(entry, key: str, section: str) -> str:
    """Check and return the effect of a severity or modality rule."""
    effect = _table(entry, key).get("effect")
    if effect not in _EFFECTS[section]:
        raise Problem(f"{key}.effect", f"must be one of {', '.join(_EFFECTS[section])}", str(effect))
    return effect


def _links(entries: list, section: str, key: str, needed, targets: set[str], what: str, many: bool = False) -> dict:
    """Check the rules of a section that name another rule (completes, requires): where needed or given, one of targets.

    many: the key may name a list of rules (a "past" rule may complete several warnings); the link is then a tuple.
    """
    links = {}
    for i, entry in enumerate(entries):
        rule, other = entry.get("id"), entry.get(key)
        if other is None and not needed(entry):
            continue
        names = other if many and isinstance(other, list) else [other]
        if not names or any(not isinstance(name, str) or name not in targets for name in names):
            raise Problem(f"{section}[{i}].{key}", f"rule {rule!r} must name {what}", key, f'"{rule}"')
        links[rule] = tuple(names) if many else other
    return links


def _settings(data) -> dict:
    """Check the [settings] table against the Settings fields."""
    table = _table(data.get("settings", {}), "settings", "[settings]")
    allowed = {item.name for item in fields(Settings)}
    _no_unknown(table, allowed, "settings")
    if table.get("default_kind", "complaint") not in KINDS:
        raise Problem("settings.default_kind", f"must be one of {', '.join(KINDS)}", "default_kind")
    if table.get("default_category", "other") not in CATEGORIES:
        raise Problem("settings.default_category", f"must be one of {', '.join(CATEGORIES)}", "default_category")
    for name in ("collective_major", "collective_important", "modality_window", "negation_window", "completion_window"):
        value = table.get(name, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise Problem(f"settings.{name}", "must be a positive integer", name)
    return dict(table)


def _model(data) -> dict | None:
    """Check the optional [model] table: the text model's file and the weight of its opinion per label."""
    if "model" not in data:
        return None
    table = _table(data["model"], "model", "[model]")
    _no_unknown(table, _MODEL_KEYS, "model")
    if not isinstance(table.get("file"), str) or not table["file"].strip():
        raise Problem("model.file", "missing or not a file name (relative to the rule file)", "[model]")
    for name in ("kind_weight", "category_weight"):
        value = table.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise Problem(f"model.{name}", "must be a number ≥ 0 (0: the model's opinion does not count)", name)
    return {"file": table["file"].strip(), "kind_weight": float(table.get("kind_weight", 0)), "category_weight": float(table.get("category_weight", 0))}


def _role(entry: dict, key: str, roles: dict[str, str]) -> None:
    """Check and record the optional role of a category rule (person or conduct)."""
    role = entry.get("role")
    if role is None:
        return
    if role not in _ROLES:
        raise Problem(f"{key}.role", f"rule {entry.get('id')!r}: role must be one of {', '.join(_ROLES)}", "role", f'"{entry.get("id")}"')
    roles[entry["id"]] = role


def _grouped(data, section: str, names: tuple[str, ...], seen: set[str], specs: list, caps: dict, roles: dict | None = None) -> dict[str, tuple[str, str]]:
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
            specs.append(_term(entry, f"{key}.terms[{i}]", target, seen, caps, frozenset({"role"}) if roles is not None else frozenset()))
            if roles is not None:
                _role(entry, f"{key}.terms[{i}]", roles)
    return labels


def parse_rules(data: dict) -> Parsed:
    """Check a parsed rule file and return its settings, names and term specs."""
    _no_unknown(data, _TOP_KEYS, "")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise Problem("version", "missing or empty (every label reports it)", "version")
    seen: set[str] = set()
    specs: list = []
    caps: dict[str, dict[str, float]] = {"cap": {}, "feedback_weight": {}}
    _grouped(data, "kinds", KINDS, seen, specs, caps)
    roles: dict[str, str] = {}
    names = _grouped(data, "categories", CATEGORIES, seen, specs, caps, roles)
    ids: dict[str, set[str]] = {"severity:warning": set(), "context": set()}
    for section in ("severity", "secondary", "exclude", "modality", "context"):
        entries = data.get(section, [])
        if not isinstance(entries, list):
            raise Problem(section, "must be an array of tables ([[...]])", section)
        for i, entry in enumerate(entries):
            key = f"{section}[{i}]"
            target = section
            if section in _EFFECTS:
                target = f"{section}:{_effect(entry, key, section)}"
            specs.append(_term(entry, key, target, seen, caps, frozenset(_LINK_KEYS.get(section, ()))))
            if target in ids:
                ids[target].add(specs[-1][1])
    severity, secondary = data.get("severity", []), data.get("secondary", [])
    completes = _links(severity, "severity", "completes", lambda entry: entry.get("effect") == "past", ids["severity:warning"], 'a severity rule with effect "warning" (or a list of them)', many=True)
    requires = _links(secondary, "secondary", "requires", lambda entry: False, ids["context"], "a [[context]] rule")
    return Parsed(version.strip(), _settings(data), names, specs, caps["cap"], caps["feedback_weight"], completes, requires, roles, _model(data))
