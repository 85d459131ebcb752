"""Label one message with kind, category and severity from its text, and explain every label.

label() is pure: the same text and rules give the same labels. It reads only the customer's new
text (quotes and signatures dropped), normalized, finds every rule phrase in one pass, and hands
the hits to severity.py (triggers, secondary evidence, people) and scoring.py (kind, category).
decide() then applies the count rule of 002 §7 from a CountResult, and classify_one() does both
with a CountStore, exactly as the service and the evaluation do.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import NamedTuple

from .counts import COUNT_THRESHOLD, CountResult, CountStore, identity_of
from .labels import SEVERITY_ORDER, Labels, Reason
from .matcher import Hit, Matcher, ProjectList
from .quoting import forwarded_subject_length, message_text
from .ruleset import RuleSet, RuleSource
from .scoring import choose_category, choose_kind
from .collective import collective, people_of
from .severity import Severity, mark_secondary, read_triggers
from .textmodel import Opinion

__all__ = ["Classifier", "Labels", "Reading", "Reason", "classify_one", "decide", "message_text"]


class Reading(NamedTuple):
    """A message as the classifier reads it: the text to label, whether quotes were dropped, the whole body, the text model's opinions."""

    text: str
    dropped: bool
    whole: str
    opinions: dict[str, Opinion] | None


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
            name, how = self.projects.resolve_field(given)
            if how == "name":
                return name, [Reason("project.field", "phone log's project field")]
            # A field that only resembles a project (云溪苑 for 云栖苑) is another estate when the log says so.
            denial = self.projects.says_not_ours(whole) if name != given.strip() else None
            if denial:
                return given.strip(), [Reason("project.field", f"phone log's project field ({how}, but the text says {denial!r})")]
            return name, [Reason("project.field", f"phone log's project field ({how})")]
        found = self.projects.find(text, mentions)
        if found is None:
            # A homophone typo of a name in the new text (金贵园三期), unless the text says the estate is not ours.
            typo = self.projects.sound_alike(text)
            if typo is not None and not self.projects.says_not_ours(whole):
                return typo.term.rule, [Reason("project.sound", f"sounds like {typo.term.rule}", text[typo.start : typo.end], typo.start, typo.end)]
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

    def read(self, messages: list[tuple[str, str]]) -> list[Reading]:
        """Read (subject, body) pairs: their text, and the text model's opinions on all of them in one call."""
        rules = self.matcher().rules
        texts = [message_text(subject, body) for subject, body in messages]
        if rules.model is None or not any(rules.model_weights.values()):
            return [Reading(*text, None) for text in texts]
        return [Reading(*text, opinions) for text, opinions in zip(texts, rules.model.opinions_many([text[0] for text in texts]))]

    def label(self, *, subject: str, body: str, channel: str, people: int | None = None, project: str | None = None,
              category_hint: str | None = None, reading: Reading | None = None) -> Labels:
        """Label one message from its text and the phone log's fields (no counts); reading: read() of the same subject and body."""
        matcher = self.matcher()
        rules = matcher.rules
        text, dropped, whole, opinions = reading or self.read([(subject, body)])[0]
        groups = matcher.groups(text)
        mentions = sorted(groups.pop("project", ()), key=lambda hit: hit.start)
        forwarded = forwarded_subject_length(subject, dropped)
        if forwarded and "severity" in groups:
            groups["severity"] = [hit for hit in groups["severity"] if hit.start >= forwarded]
        state = Severity()
        read_triggers(groups, text, rules, state)
        mark_secondary(rules, state)
        escalation = state.escalation + (state.secondary_score if state.secondary else 0.0)
        opinions = opinions or {}
        kind, kind_reasons = choose_kind(groups.get("kind", []), text, rules, escalation, _forced(state), opinions.get("kind"))
        category, category_reasons = choose_category(groups.get("category", []), text, rules, category_hint, kind, opinions.get("category"))
        count, people_reasons = people_of(text, people, rules, state, skip=forwarded)
        project_name, project_reasons = self._project(text, project, whole, mentions)
        if kind == "complaint":
            # The count is the field's unless a joint letter vouched for more (people_of).
            collective(count, rules, state, from_field=people is not None and count == people)
        severity = state.level if kind == "complaint" else "general"
        reasons = [Reason("text.quoted_dropped", "quoted text and signature ignored")] if dropped else []
        reasons += kind_reasons + category_reasons + state.reasons + people_reasons + project_reasons
        reasons.append(Reason("severity", f"{severity} from the text ({channel})"))
        secondary = state.secondary and kind == "complaint"
        return Labels(kind, category, severity, count, project_name, secondary, tuple(state.warnings), tuple(reasons), rules.label_version)


def _forced(state: Severity) -> str | None:
    """Name what makes the text a complaint whatever its phrases say: an event that already happened, or a secondary complaint."""
    if state.level == "major":
        return "event"
    return "secondary" if state.secondary else None


def decide(labels: Labels, count: CountResult | None) -> Labels:
    """Apply the count rule: 3+ different complainants in the cluster make this one important and raise the earlier ones."""
    if count is None or labels.kind != "complaint":
        return labels
    detail = f"{count.distinct} different complainant(s) with a complaint of this category about this project within {count.window_days} days"
    severity, raise_ids = labels.severity, labels.raise_ids
    if count.distinct < COUNT_THRESHOLD:
        reason = Reason("count.cluster", detail)
    else:
        severity = severity if SEVERITY_ORDER[severity] >= 1 else "important"
        reason = Reason("severity.count", f"{detail}: important; raises {len(count.earlier_ids)} earlier complaint(s)")
        raise_ids = count.earlier_ids
    # Labels are built directly rather than with dataclasses.replace, which is slow on the hot path.
    return Labels(labels.kind, labels.category, severity, labels.people, labels.project, labels.secondary,
                  labels.warnings, labels.reasons + (reason,), labels.ruleset_version, raise_ids)


def classify_one(classifier: Classifier, store: CountStore | None, msg: dict, reading: Reading | None = None) -> Labels:
    """Label one message dict (the JSONL/contract fields), record it in the count store, apply the count rule."""
    labels = classifier.label(
        subject=msg.get("subject") or "", body=msg.get("body") or "", channel=msg.get("channel") or "email",
        people=msg.get("people"), project=msg.get("project"), category_hint=msg.get("category_hint"), reading=reading,
    )
    if store is None:
        return labels
    at = msg.get("sent_at") or msg.get("received_at")
    at = datetime.fromisoformat(at) if isinstance(at, str) else (at or datetime.now(timezone.utc))
    identity = identity_of(msg.get("sender") or msg.get("sender_email"), msg.get("phone"))
    complaint_id = str(msg.get("id") or msg.get("source_id") or "")
    count = store.record(complaint_id=complaint_id, identity=identity, project=labels.project, category=labels.category, kind=labels.kind, at=at)
    return decide(labels, count)
