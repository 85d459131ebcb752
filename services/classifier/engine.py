"""Label one message with kind, category and severity from its text, and explain every label.

label() is pure: the same text and rules give the same labels. It reads only the customer's new
text (quotes and signatures dropped), normalized. decide() then applies the count rule of
002 §7 from a CountResult, and classify_one() does both with a CountStore, exactly as the service
and the evaluation do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from .counts import CountResult, CountStore, identity_of
from .matcher import Hit, Matcher, ProjectList
from .people import count_people
from .quoting import message_text
from .ruleset import CATEGORIES, KINDS, RuleSet, RuleSource, Settings

SEVERITY_ORDER = {"general": 0, "important": 1, "major": 2}
_CLAUSE_BREAKS = frozenset(",.!?;:\n。、")
_QUOTATION = re.compile(r'“[^”\n]{1,200}”|"[^"\n]{1,200}"|「[^」\n]{1,200}」|『[^』\n]{1,200}』')


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


def _hit_reason(hit: Hit, text: str, detail: str) -> Reason:
    """Explain one hit: its rule, what it did, the phrase and where."""
    return Reason(hit.term.rule, detail, text[hit.start : hit.end], hit.start, hit.end)


def _supporting(hits: list[Hit], name: str, text: str) -> list[Reason]:
    """Explain a chosen kind or category by the hits that count for it (the summary gives the other scores)."""
    return [_hit_reason(hit, text, hit.term.detail) for hit in hits if hit.term.name == name]


def _scores(hits: list[Hit], names: tuple[str, ...], caps: dict[str, float]) -> dict[str, float]:
    """Sum the weights of hits (all of one dimension) per name, each rule up to its cap."""
    per_rule: dict[tuple[str, str], float] = {}
    for hit in hits:
        term = hit.term
        key = (term.name, term.rule)
        per_rule[key] = per_rule.get(key, 0.0) + term.weight
    scores = dict.fromkeys(names, 0.0)
    for (name, rule), total in per_rule.items():
        cap = caps.get(rule)
        scores[name] += min(total, cap) if cap is not None else total
    return scores


def _best(scores: dict[str, float]) -> tuple[str, float]:
    """Return the highest-scoring name; ties go to the name listed first."""
    name = max(scores, key=lambda key: scores[key])
    return name, scores[name]


def _modality(hit: Hit, markers: list[Hit], text: str, settings: Settings) -> str | None:
    """Return "defer" or "negate" when such a marker stands shortly before hit in the same clause."""
    scale = 3 if hit.term.phrase[0].isascii() else 1
    for marker in markers:
        if marker.end > hit.start:
            continue
        effect = marker.term.name
        window = settings.modality_window if effect == "defer" else settings.negation_window
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
        self.escalation = 0.0
        self.secondary_rules: set[str] = set()
        self.reasons: list[Reason] = []

    def raise_to(self, level: str, reason: Reason) -> None:
        """Raise the severity to level (never lower it) and record why."""
        if SEVERITY_ORDER[level] > SEVERITY_ORDER[self.level]:
            self.level = level
        self.reasons.append(reason)

    def warn(self, reason: Reason, weight: float) -> None:
        """Record a warning (a threat) that does not change the severity; each rule adds its weight once to complaint."""
        if reason.rule not in self.warnings:
            self.warnings.append(reason.rule)
            self.escalation += weight
        self.reasons.append(reason)


def _read_triggers(groups: dict[str, list[Hit]], text: str, settings: Settings, state: _Severity) -> None:
    """Apply severity and secondary triggers; a deferred or negated "already happened" is a warning."""
    for hit in groups.get("secondary", ()):
        if hit.term.rule not in state.secondary_rules:
            state.secondary_rules.add(hit.term.rule)
            state.secondary_score += hit.term.weight
            state.reasons.append(_hit_reason(hit, text, f"secondary evidence {hit.term.weight:+g}"))
    markers = groups.get("modality", [])
    for hit in groups.get("severity", ()):
        effect = hit.term.name
        modality = _modality(hit, markers, text, settings) if effect != "warning" else None
        if effect == "warning" or modality:
            state.warn(_hit_reason(hit, text, f"warning ({modality or 'threat'})"), hit.term.weight)
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
        self.projects = projects
        self._matcher = Matcher(rules if isinstance(rules, RuleSet) else rules.current(), projects)

    def matcher(self) -> Matcher:
        """Return the matcher of the current rules, rebuilding it after a reload."""
        if self._source is not None:
            rules = self._source.current()
            if rules is not self._matcher.rules:
                self._matcher = Matcher(rules, self.projects)
        return self._matcher

    def _project(self, text: str, given: str | None, whole: str, mentions: list[Hit]) -> tuple[str | None, list[Reason]]:
        """Return the project: the phone log's field, else the one the new text is about, else one the quoted text names."""
        if given and given.strip():
            return self.projects.resolve(given), [Reason("project.field", "phone log's project field")]
        found = self.projects.find(text, mentions)
        if found is None and whole != text:
            found = self.projects.find(whole)
            if found is not None:
                return found[0], [Reason("project.quoted", f"{found[0]}, named in the quoted text")]
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
        text, dropped, whole = message_text(subject, body)
        groups = matcher.groups(text)
        mentions = sorted(groups.pop("project", ()), key=lambda hit: hit.start)
        state = _Severity()
        _read_triggers(groups, text, rules.settings, state)
        _secondary(rules, state)
        kind, kind_reasons = _kind(groups.get("kind", []), text, rules, state)
        category, category_reasons = _category(groups.get("category", []), text, rules, category_hint)
        count, people_reasons = _people(text, people)
        project_name, project_reasons = self._project(text, project, whole, mentions)
        if kind == "complaint":
            _collective(count, rules, state)
        severity = state.level if kind == "complaint" else "general"
        reasons = [Reason("text.quoted_dropped", "quoted text and signature ignored")] if dropped else []
        reasons += kind_reasons + category_reasons + state.reasons + people_reasons + project_reasons
        reasons.append(Reason("severity", f"{severity} from the text ({channel})"))
        secondary = state.secondary and kind == "complaint"
        return Labels(kind, category, severity, count, project_name, secondary, tuple(state.warnings), tuple(reasons), rules.version)


def _within(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    """Tell whether a hit overlaps one of the spans (project names, quotations)."""
    return any(hit.start < end and start < hit.end for start, end in spans)


def _quotations(text: str) -> list[tuple[int, int]]:
    """Return the spans of quoted speech (“…”, "…", 「…」) in a normalized text."""
    return [match.span() for match in _QUOTATION.finditer(text)]


def _kind(hits: list[Hit], text: str, rules: RuleSet, state: _Severity) -> tuple[str, list[Reason]]:
    """Choose the kind by summed weights (quoted speech aside); a major text is a complaint."""
    quoted = _quotations(text)
    if quoted:
        hits = [hit for hit in hits if not _within(hit, quoted)]
    scores = _scores(hits, KINDS, rules.caps)
    reasons: list[Reason] = []
    escalation = state.escalation + (state.secondary_score if state.secondary else 0.0)
    if escalation:
        scores["complaint"] += escalation
        reasons.append(Reason("kind.escalation", f"threats and secondary-complaint evidence add {escalation:g} to complaint"))
    summary = ", ".join(f"{name} {score:g}" for name, score in scores.items())
    if state.level == "major":
        return "complaint", _supporting(hits, "complaint", text) + reasons + [Reason("kind.forced", f"an event that already happened makes it a complaint ({summary})")]
    kind, score = _best(scores)
    if score < rules.settings.min_kind_score:
        return rules.settings.default_kind, reasons + [Reason("kind.default", f"no clear kind ({summary})")]
    return kind, _supporting(hits, kind, text) + reasons + [Reason("kind.score", summary)]


def _category(hits: list[Hit], text: str, rules: RuleSet, hint: str | None) -> tuple[str, list[Reason]]:
    """Choose the category by summed weights; a valid hint from the phone log wins."""
    if hint in CATEGORIES:
        return hint, [Reason("category.hint", f"phone log says {hint}")]
    scores = _scores(hits, CATEGORIES, rules.caps)
    summary = ", ".join(f"{name} {score:g}" for name, score in scores.items())
    category, score = _best(scores)
    if score <= 0:
        return rules.settings.default_category, [Reason("category.default", f"no category phrase ({summary})")]
    return category, _supporting(hits, category, text) + [Reason("category.score", summary)]


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
