"""Choose a message's kind and category by summing the weights of the rule phrases found in it.

Each rule adds its weight per match, up to its cap; the kind and the category with the highest
sum win (ties go to the one listed first). Two readings keep the kind honest: words inside quoted
speech (“…”, "…", '…', 「…」) do not count, since they are what someone else said (a quotation of
settings.dictation_length characters or more is the caller's own words, taken down by the agent); and a question
that accuses (why, who is responsible, 凭什么: a negative inquiry phrase in the sentence) is not a
request for information when the message carries enough complaint evidence, so that sentence's
inquiry phrases do not count. Feedback is categorized by its own weights, which favour the team or
service it is about.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from .labels import Reason, hit_reason
from .matcher import Hit
from .normalize import SENTENCE_ENDS
from .ruleset import CATEGORIES, KINDS, RuleSet
from .textmodel import Opinion

_QUOTATION = re.compile(
    r'“[^”\n]{1,200}”|"[^"\n]{1,200}"|「[^」\n]{1,200}」|『[^』\n]{1,200}』|‘[^’\n]{1,200}’'
    r"|(?<![a-z0-9])'[^'\n]{1,200}'(?![a-z0-9])"
)
_QUOTE_MARKS = re.compile("[“\"「『‘']")
_SENTENCE_END = re.compile(f"[{re.escape(SENTENCE_ENDS)}]")


def scores(hits: list[Hit], names: tuple[str, ...], caps: dict[str, float], weights: dict[str, float] | None = None) -> dict[str, float]:
    """Sum the weights of hits (all of one dimension) per name, each rule up to its cap.

    weights, when given, replaces some rules' weights (their cap becomes twice the new weight).
    """
    per_rule: dict[tuple[str, str], float] = {}
    get = per_rule.get
    for _, _, term in hits:
        key = term.key
        per_rule[key] = get(key, 0.0) + (weights.get(term.rule, term.weight) if weights else term.weight)
    totals = dict.fromkeys(names, 0.0)
    for (name, rule), total in per_rule.items():
        cap = 2 * weights[rule] if weights and rule in weights else caps.get(rule)
        totals[name] += min(total, cap) if cap is not None else total
    return totals


def _best(totals: dict[str, float]) -> tuple[str, float]:
    """Return the highest-scoring name; ties go to the name listed first."""
    name = max(totals, key=totals.__getitem__)
    return name, totals[name]


def _supporting(hits: list[Hit], name: str, text: str) -> list[Reason]:
    """Explain a chosen kind or category by the hits that count for it (the summary gives the other scores)."""
    # Built inline rather than with hit_reason: this runs for every phrase of every message.
    return [Reason(term.rule, term.detail, text[start:end], start, end) for start, end, term in hits if term.name == name]


def _within(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    """Tell whether a hit overlaps one of the spans (quotations)."""
    return any(hit.start < end and start < hit.end for start, end in spans)


def _quotations(text: str, dictation: int) -> list[tuple[int, int]]:
    """Return the spans of quoted speech (“…”, "…", '…', 「…」) in a normalized text, dictation aside.

    A quotation of dictation characters or more is the caller's own account that the agent took
    down word for word (坐席代记：“…”), not a remark someone else made, so its words count.
    """
    if not _QUOTE_MARKS.search(text):
        return []
    return [match.span() for match in _QUOTATION.finditer(text) if match.end() - match.start() < dictation]


def _without_accusing_questions(hits: list[Hit], text: str) -> list[Hit]:
    """Drop the inquiry hits of every sentence that holds an accusing question (a negative inquiry phrase)."""
    accusing = [hit for hit in hits if hit.term.name == "inquiry" and hit.term.weight < 0]
    if not accusing:
        return hits
    ends = [match.start() for match in _SENTENCE_END.finditer(text)]
    sentences = {bisect_left(ends, hit.start) for hit in accusing}
    return [hit for hit in hits if hit.term.name != "inquiry" or hit.term.weight < 0 or bisect_left(ends, hit.start) not in sentences]


def with_model(totals: dict[str, float], opinion: Opinion | None, head: str, rules: RuleSet) -> tuple[dict[str, float], list[Reason]]:
    """Add the text model's opinion (weight × probability) to the rules' totals, and explain it.

    A text holding none of the head's n-grams gets no opinion: the model's probabilities would be
    its intercepts alone, the shares of the training set, which say nothing about this message.
    """
    weight = rules.model_weights.get(head, 0.0)
    if opinion is None or not weight or rules.model is None or not opinion.ngrams:
        return totals, []
    combined = dict(totals)
    for name, probability in zip(opinion.classes, opinion.probabilities):
        combined[name] += weight * probability
    detail = _model_detail(rules.model.version, head, weight, opinion.classes) % (opinion.ngrams, *opinion.probabilities)
    return combined, [Reason(f"model.{head}", detail)]


@lru_cache(maxsize=16)
def _model_detail(version: str, head: str, weight: float, classes: tuple[str, ...]) -> str:
    """The %-format of a model reason's detail: one format per head saves five f-strings per message."""
    said = ", ".join([f"{name} %.2f" for name in classes])
    return f"text model {version}, %d n-grams, × {weight:g}: {said}"


# The kinds whose phrases may overrule a forced complaint, and how far they must outweigh the complaint's.
_YIELDS_TO = {"event": ("feedback",), "secondary": ("feedback", "inquiry")}
_YIELD_MARGIN = {"event": 2.0, "secondary": 1.0}
_FORCED = {"event": "an event that already happened", "secondary": "a case closed before that is back or was never done"}


def choose_kind(hits: list[Hit], text: str, rules: RuleSet, escalation: float, forced: str | None, opinion: Opinion | None = None) -> tuple[str, list[Reason]]:
    """Choose the kind by summed weights (quoted speech aside) and the text model's opinion; escalation adds to complaint.

    forced makes it a complaint unless its phrases say otherwise. "event" (a suit filed, a story
    published) gives way only to clear praise, feedback phrases twice the complaint's (a news story
    that praises the staff is no exposure); "secondary" (closed before, and back or never done) gives
    way to feedback or inquiry phrases that merely outweigh the complaint's (a thank-you for a repair
    that held after it was redone, a question how to ask for the same repairman again).
    """
    quoted = _quotations(text, rules.settings.dictation_length)
    if quoted:
        hits = [hit for hit in hits if not _within(hit, quoted)]
    totals = scores(hits, KINDS, rules.caps)
    reasons: list[Reason] = []
    if totals["complaint"] >= rules.settings.rhetorical_evidence and totals["inquiry"] > 0:
        kept = _without_accusing_questions(hits, text)
        if len(kept) < len(hits):
            hits, totals = kept, scores(kept, KINDS, rules.caps)
            reasons.append(Reason("kind.rhetorical", "questions that accuse (why, who is responsible) are not inquiries here"))
    best, top = _best(totals)
    margin = _YIELD_MARGIN.get(forced or "", 0.0)
    yields = best in _YIELDS_TO.get(forced or "", ()) and top >= max(rules.settings.min_kind_score, margin * totals["complaint"])
    if escalation:
        totals["complaint"] += escalation
        reasons.append(Reason("kind.escalation", f"threats and secondary-complaint evidence add {escalation:g} to complaint"))
    summary = ", ".join([f"{name} {score:g}" for name, score in totals.items()])
    if forced and not yields:
        return "complaint", _supporting(hits, "complaint", text) + reasons + [Reason("kind.forced", f"{_FORCED[forced]} makes it a complaint ({summary})")]
    if _best(totals)[1] < rules.settings.min_kind_score:
        return rules.settings.default_kind, reasons + [Reason("kind.default", f"no clear kind ({summary})")]
    # The model weighs in only where the rules found a kind: without any phrase the default stands.
    combined, said = with_model(totals, opinion, "kind", rules)
    kind, _ = _best(combined)
    return kind, _supporting(hits, kind, text) + reasons + [Reason("kind.score", summary)] + said


def _without_persons(hits: list[Hit], rules: RuleSet) -> tuple[list[Hit], float]:
    """Drop the person hits (a steward, a technician) when the conduct hits reach settings.conduct_evidence.

    Returns the hits kept and the conduct evidence found. A complaint that a steward never calls
    back is about how staff work (customer service), so naming the steward is no evidence for the
    steward's department; the matter's own phrases (a leak, the lift) still count.
    """
    roles = rules.roles
    if not roles:
        return hits, 0.0
    per_rule: dict[str, float] = {}
    for hit in hits:
        if roles.get(hit.term.rule) == "conduct":
            per_rule[hit.term.rule] = per_rule.get(hit.term.rule, 0.0) + hit.term.weight
    evidence = sum(min(total, rules.caps.get(rule, total)) for rule, total in per_rule.items())
    if evidence < rules.settings.conduct_evidence:
        return hits, evidence
    return [hit for hit in hits if roles.get(hit.term.rule) != "person"], evidence


def choose_category(hits: list[Hit], text: str, rules: RuleSet, hint: str | None, kind: str, opinion: Opinion | None = None) -> tuple[str, list[Reason]]:
    """Choose the category by summed weights (feedback: by its own weights, which favour whom it praises) and the text model's opinion; a valid hint wins.

    In a complaint about staff conduct, the nouns naming the staff do not count (_without_persons).
    """
    if hint in CATEGORIES:
        return hint, [Reason("category.hint", f"phone log says {hint}")]
    reasons: list[Reason] = []
    if kind == "complaint":
        kept, evidence = _without_persons(hits, rules)
        if len(kept) < len(hits):
            hits = kept
            reasons.append(Reason("category.conduct", f"staff conduct evidence {evidence:g}: the words naming staff do not count"))
    totals = scores(hits, CATEGORIES, rules.caps, rules.feedback_weights if kind == "feedback" else None)
    summary = ", ".join([f"{name} {score:g}" for name, score in totals.items()])
    combined, said = with_model(totals, opinion, "category", rules)
    category, score = _best(combined)
    if score <= 0:
        return rules.settings.default_category, reasons + [Reason("category.default", f"no category phrase ({summary})")]
    return category, _supporting(hits, category, text) + reasons + [Reason("category.score", summary)] + said
