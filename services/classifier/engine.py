"""Label one message with kind, category and severity from its text, and explain every label.

label() is pure: the same text and rules give the same labels. It reads only the customer's new
text (quotes and signatures dropped), normalized. decide() then applies the count rule of
002 §7 from a CountResult, and classify_one() does both with a CountStore, exactly as the service
and the evaluation do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone

from .counts import CountResult, CountStore, identity_of
from .matcher import Hit, Matcher, ProjectList
from .normalize import normalize
from .people import count_people
from .quoting import clean_subject, split_new_text
from .ruleset import CATEGORIES, KINDS, RuleSet, RuleSource

THREAT_WEIGHT = 3.0
SEVERITY_ORDER = {"general": 0, "important": 1, "major": 2}
_CLAUSE_BREAKS = frozenset(",.!?;:\n。、")


@dataclass(frozen=True)
class Reason:
    """Why a label was given: the rule id, a short detail, and the matched phrase and its span."""

    rule: str
    detail: str
    phrase: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Labels:
    """The classifier's labels for one message, with their reasons and the rules' version."""

    kind: str
    category: str
    severity: str
    people: int | None
    project: str | None
    secondary: bool
    warnings: tuple[str, ...]
    reasons: tuple[Reason, ...]
    ruleset_version: str
    raise_ids: tuple[str, ...] = ()


def message_text(subject: str, body: str) -> tuple[str, bool]:
    """Return the normalized text to label (subject, then the new text of the body) and whether quotes were dropped."""
    new_body, dropped = split_new_text(normalize(body))
    if not new_body:
        new_body = normalize(body).strip()
    subject = clean_subject(normalize(subject))
    return (f"{subject}\n{new_body}" if subject else new_body), dropped


def _hit_reason(hit: Hit, text: str, detail: str) -> Reason:
    """Explain one hit: its rule, what it did, the phrase and where."""
    return Reason(hit.term.rule, detail, text[hit.start : hit.end], hit.start, hit.end)


def _scores(hits: list[Hit], dimension: str, names: tuple[str, ...], caps: dict[str, float]) -> dict[str, float]:
    """Sum the weights of the hits per name of one dimension (kind or category), each rule up to its cap."""
    per_rule: dict[tuple[str, str], float] = {}
    for hit in hits:
        target = hit.term.target
        if target.startswith(dimension):
            key = (target[len(dimension) + 1 :], hit.term.rule)
            per_rule[key] = per_rule.get(key, 0.0) + hit.term.weight
    scores = dict.fromkeys(names, 0.0)
    for (name, rule), total in per_rule.items():
        cap = caps.get(rule)
        scores[name] += min(total, cap) if cap is not None else total
    return scores


def _best(scores: dict[str, float]) -> tuple[str, float]:
    """Return the highest-scoring name; ties go to the name listed first."""
    name = max(scores, key=lambda key: scores[key])
    return name, scores[name]


def _modality(hit: Hit, hits: list[Hit], text: str, rules: RuleSet) -> str | None:
    """Return "defer" or "negate" when such a marker stands shortly before hit in the same clause."""
    scale = 3 if hit.term.phrase[0].isascii() else 1
    for marker in hits:
        if marker.dimension != "modality" or marker.end > hit.start:
            continue
        effect = marker.term.target.split(":", 1)[1]
        window = rules.settings.modality_window if effect == "defer" else rules.settings.negation_window
        gap = text[marker.end : hit.start]
        if len(gap) <= window * scale and not _CLAUSE_BREAKS.intersection(gap):
            return effect
    return None


def _people(text: str, given: int | None) -> tuple[int | None, list[Reason]]:
    """Return the number of people: the phone log's field when given, else the largest count in the text."""
    if given is not None:
        return given, [Reason("people.field", f"phone log says {given} people")]
    mention = count_people(text)
    if mention is None:
        return None, []
    return mention.value, [Reason("people.text", f"{mention.value} people", mention.phrase, mention.start, mention.end)]


class _Severity:
    """Collects severity, warnings, secondary flag and reasons while the triggers are read."""

    def __init__(self) -> None:
        self.level, self.secondary, self.secondary_score = "general", False, 0.0
        self.warnings: list[str] = []
        self.reasons: list[Reason] = []

    def raise_to(self, level: str, reason: Reason) -> None:
        """Raise the severity to level (never lower it) and record why."""
        if SEVERITY_ORDER[level] > SEVERITY_ORDER[self.level]:
            self.level = level
        self.reasons.append(reason)

    def warn(self, reason: Reason) -> None:
        """Record a warning (a threat or a mention) that does not change the severity."""
        if reason.rule not in self.warnings:
            self.warnings.append(reason.rule)
        self.reasons.append(reason)


def _read_triggers(hits: list[Hit], text: str, rules: RuleSet, state: _Severity) -> None:
    """Apply severity and secondary triggers; a deferred or negated "already happened" is a warning."""
    for hit in hits:
        target = hit.term.target
        if target == "secondary":
            if hit.term.weight < 0 or _modality(hit, hits, text, rules) != "negate":
                state.secondary_score += hit.term.weight
                state.reasons.append(_hit_reason(hit, text, f"secondary evidence {hit.term.weight:+g}"))
        elif target.startswith("severity:"):
            effect = target[9:]
            modality = _modality(hit, hits, text, rules) if effect != "warning" else None
            if effect == "warning" or modality:
                state.warn(_hit_reason(hit, text, f"warning ({modality or 'threat'})"))
            else:
                state.raise_to(effect, _hit_reason(hit, text, effect))


def _secondary(rules: RuleSet, state: _Severity) -> None:
    """Mark a secondary complaint when its evidence reaches the threshold (fixed before, and back)."""
    threshold = rules.settings.secondary_threshold
    if state.secondary_score >= threshold:
        state.secondary = True
        state.raise_to("important", Reason("severity.secondary", f"secondary complaint: evidence {state.secondary_score:g} >= {threshold:g}"))


def _collective(people: int | None, rules: RuleSet, state: _Severity) -> None:
    """Apply the collective-complaint thresholds to the number of people."""
    if people is None:
        return
    settings = rules.settings
    if people >= settings.collective_major:
        state.raise_to("major", Reason("severity.collective.major", f"{people} people >= {settings.collective_major}"))
    elif people >= settings.collective_important:
        state.raise_to("important", Reason("severity.collective.important", f"{people} people >= {settings.collective_important}"))


class Classifier:
    """Labels messages with the current rules of a RuleSource (or a fixed RuleSet) and a ProjectList."""

    def __init__(self, rules: RuleSource | RuleSet, projects: ProjectList):
        self._source = rules if isinstance(rules, RuleSource) else None
        self._matcher = Matcher(rules if isinstance(rules, RuleSet) else rules.current())
        self.projects = projects

    def matcher(self) -> Matcher:
        """Return the matcher of the current rules, rebuilding it after a reload."""
        if self._source is not None:
            rules = self._source.current()
            if rules is not self._matcher.rules:
                self._matcher = Matcher(rules)
        return self._matcher

    def _project(self, text: str, given: str | None) -> tuple[str | None, list[Reason]]:
        """Return the project: the phone log's field when given, else the first project named in the text."""
        if given and given.strip():
            return self.projects.resolve(given), [Reason("project.field", "phone log's project field")]
        found = self.projects.find(text)
        if found is None:
            return None, []
        name, hit = found
        if hit is None:
            return name, [Reason("project.pattern", f"address pattern of {name}")]
        return name, [Reason("project.text", name, text[hit.start : hit.end], hit.start, hit.end)]

    def label(self, *, subject: str, body: str, channel: str, people: int | None = None, project: str | None = None, category_hint: str | None = None) -> Labels:
        """Label one message from its text and the phone log's fields (no counts)."""
        matcher = self.matcher()
        rules = matcher.rules
        text, dropped = message_text(subject, body)
        hits = matcher.find(text)
        reasons = [Reason("text.quoted_dropped", "quoted text and signature ignored")] if dropped else []
        state = _Severity()
        _read_triggers(hits, text, rules, state)
        kind, kind_reasons = _kind(hits, text, rules, state)
        category, category_reasons = _category(hits, text, rules, category_hint)
        count, people_reasons = _people(text, people)
        project_name, project_reasons = self._project(text, project)
        if kind == "complaint":
            _collective(count, rules, state)
            severity = state.level
        else:
            severity = "general"
        reasons += kind_reasons + category_reasons + state.reasons + people_reasons + project_reasons
        reasons.append(Reason("severity", f"{severity} from the text ({channel})"))
        return Labels(kind, category, severity, count, project_name, state.secondary and kind == "complaint", tuple(state.warnings), tuple(reasons), rules.version)


def _kind(hits: list[Hit], text: str, rules: RuleSet, state: _Severity) -> tuple[str, list[Reason]]:
    """Choose the kind by summed weights; an already-major or secondary text is a complaint."""
    scores = _scores(hits, "kind", KINDS)
    reasons = [_hit_reason(hit, text, f"{hit.term.target} {hit.term.weight:+g}") for hit in hits if hit.dimension == "kind"]
    if state.warnings:
        scores["complaint"] += THREAT_WEIGHT
        reasons.append(Reason("kind.threat", f"a threat or escalation adds {THREAT_WEIGHT:g} to complaint"))
    summary = ", ".join(f"{name} {score:g}" for name, score in scores.items())
    if state.level == "major" or state.secondary:
        return "complaint", reasons + [Reason("kind.forced", f"severity trigger makes it a complaint ({summary})")]
    kind, score = _best(scores)
    if score < rules.settings.min_kind_score:
        return rules.settings.default_kind, reasons + [Reason("kind.default", f"no clear kind ({summary})")]
    return kind, reasons + [Reason("kind.score", summary)]


def _category(hits: list[Hit], text: str, rules: RuleSet, hint: str | None) -> tuple[str, list[Reason]]:
    """Choose the category by summed weights; a valid hint from the phone log wins."""
    if hint in CATEGORIES:
        return hint, [Reason("category.hint", f"phone log says {hint}")]
    scores = _scores(hits, "category", CATEGORIES)
    reasons = [_hit_reason(hit, text, f"{hit.term.target} {hit.term.weight:+g}") for hit in hits if hit.dimension == "category"]
    summary = ", ".join(f"{name} {score:g}" for name, score in scores.items())
    category, score = _best(scores)
    if score <= 0:
        return rules.settings.default_category, reasons + [Reason("category.default", f"no category phrase ({summary})")]
    return category, reasons + [Reason("category.score", summary)]


def decide(labels: Labels, count: CountResult | None) -> Labels:
    """Apply the count rule: 3+ different complainants in the cluster make this one important and raise the earlier ones."""
    if count is None or labels.kind != "complaint":
        return labels
    detail = f"{count.distinct} different complainant(s), {len(count.earlier_ids)} earlier complaint(s), same project and category within {count.window_days} days"
    if count.distinct < 3:
        return replace(labels, reasons=labels.reasons + (Reason("count.cluster", detail),))
    severity = labels.severity if SEVERITY_ORDER[labels.severity] >= 1 else "important"
    reason = Reason("severity.count", detail + ": important")
    return replace(labels, severity=severity, reasons=labels.reasons + (reason,), raise_ids=count.earlier_ids)


def classify_one(classifier: Classifier, store: CountStore | None, msg: dict) -> Labels:
    """Label one message dict (the JSONL/contract fields), record it in the count store, apply the count rule."""
    labels = classifier.label(
        subject=msg.get("subject") or "", body=msg.get("body") or "", channel=msg.get("channel") or "email",
        people=msg.get("people"), project=msg.get("project"), category_hint=msg.get("category_hint"),
    )
    if store is None:
        return labels
    at = msg.get("sent_at") or msg.get("received_at")
    at = datetime.fromisoformat(at) if isinstance(at, str) else (at or datetime.now(timezone.utc))
    identity = identity_of(msg.get("sender") or msg.get("sender_email"), msg.get("phone"))
    complaint_id = str(msg.get("id") or msg.get("source_id") or "")
    count = store.record(complaint_id=complaint_id, identity=identity, project=labels.project, category=labels.category, kind=labels.kind, at=at)
    return decide(labels, count)
