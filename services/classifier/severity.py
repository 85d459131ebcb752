"""Read the severity of one message from its trigger hits and its number of people (002 §7).

Only what already happened is major or important. A trigger that a "defer" marker (will, if, 准备)
or a "negate" marker (not, 没) stands shortly before, in the same clause, is a threat: a warning,
never a severity. A "past" rule (published, aired, 见报) completes the warning rules it names when
both stand, neither deferred nor denied, in one sentence: "a reporter interviewed me ... the story
was published yesterday" is media exposure that already happened. Secondary-complaint evidence is
summed per rule; a rule that requires a context (a case word) counts only in a sentence with one.
People counts and the collective thresholds are in collective.py.
"""

from __future__ import annotations

from .labels import SEVERITY_ORDER, Reason, hit_reason, span_reason
from .matcher import Hit
from .normalize import SENTENCE_ENDS
from .people import PeopleMention
from .ruleset import RuleSet, Settings

CLAUSE_BREAKS = frozenset(",.!?;:\n。、")
_SENTENCE_BREAKS = frozenset(SENTENCE_ENDS)


class Severity:
    """Collects severity, warnings, secondary evidence and reasons while the triggers are read."""

    def __init__(self) -> None:
        self.level, self.secondary, self.secondary_score = "general", False, 0.0
        self.warnings: list[str] = []
        self.escalation = 0.0
        self.secondary_rules: set[str] = set()
        self.joints: list[Hit] = []  # Joint-complaint and speaks-for ("group") hits that stand (not deferred or denied).
        self.joint_reason: Reason | None = None  # A joint complaint's trigger: important once the count allows (collective.py).
        self.markers: list[Hit] = []  # The modality markers, for people counts that are only planned.
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


# Markers that cover the rest of their sentence, and the mode each gives.
_WHOLE_SENTENCE = {"condition": "defer", "elsewhere": "elsewhere", "hearsay": "hearsay"}
# Modes under which a trigger is about another place or only rumoured.
NOT_OURS = frozenset(("elsewhere", "hearsay"))


def modality(hit: Hit, markers: list[Hit], text: str, settings: Settings) -> str | None:
    """Return "defer", "negate", "elsewhere" or "hearsay" when such a marker stands before hit (modality_at).

    An "elsewhere" marker also defers a hit before it in the same clause: "新闻报道了城东某楼盘降价",
    "the news reported on another estate": what was reported is another place's matter.
    """
    found = modality_at(hit.start, hit.term.phrase[0].isascii(), markers, text, settings)
    if found is None:
        for marker in markers:
            if marker.term.name == "elsewhere" and marker.start >= hit.end:
                gap = text[hit.end : marker.start]
                if len(gap) <= settings.completion_window and not CLAUSE_BREAKS.intersection(gap):
                    return "elsewhere"
    return found


def modality_at(start: int, latin: bool, markers: list[Hit], text: str, settings: Settings) -> str | None:
    """Return the mode of the marker that governs start, or None.

    "defer" or "negate": such a marker stands shortly before start in the same clause (Latin text:
    3× the window). A "condition" marker (if, 如果) defers everything after it in its sentence
    ("defer"); an "elsewhere" marker (another estate, 隔壁区) or a "hearsay" marker (听说, is it
    true) makes everything after it in its sentence another place's or a rumour ("elsewhere",
    "hearsay"): not this writer's own event.
    """
    scale = 3 if latin else 1
    for marker in markers:
        if marker.end > start:
            continue
        effect = marker.term.name
        if effect in _WHOLE_SENTENCE:
            # A condition (if, 如果) makes the rest of its sentence hypothetical, however long the clause;
            # a sentence that turns to another estate (隔壁区有个楼盘…上了热搜) is about that estate, and
            # one that reports a rumour (听说, is it true) is unconfirmed.
            gap = text[marker.end : start]
            if len(gap) <= settings.completion_window and not _SENTENCE_BREAKS.intersection(gap):
                return _WHOLE_SENTENCE[effect]
            continue
        window = settings.modality_window if effect == "defer" else settings.negation_window
        gap = text[marker.end : start]
        if len(gap) <= window * scale and not CLAUSE_BREAKS.intersection(gap):
            return effect
    return None


def together(one: Hit, other: Hit | PeopleMention, text: str, window: int) -> tuple[int, int] | None:
    """Return the span of two hits (or a hit and a people count) when they stand in one sentence, at most window characters long."""
    start, end = min(one.start, other.start), max(one.end, other.end)
    if end - start <= window and not _SENTENCE_BREAKS.intersection(text[start:end]):
        return start, end
    return None


def _read_secondary(groups: dict[str, list[Hit]], text: str, rules: RuleSet, state: Severity) -> None:
    """Sum the secondary evidence, each rule once; a rule that requires a context counts only beside it."""
    context, window = groups.get("context", ()), rules.settings.completion_window
    for hit in groups.get("secondary", ()):
        rule = hit.term.rule
        if rule in state.secondary_rules:
            continue
        needed = rules.requires.get(rule)
        if needed and not any(other.term.rule == needed and together(hit, other, text, window) for other in context):
            continue
        state.secondary_rules.add(rule)
        state.secondary_score += hit.term.weight
        state.reasons.append(hit_reason(hit, text, f"secondary evidence {hit.term.weight:+g}"))


def read_triggers(groups: dict[str, list[Hit]], text: str, rules: RuleSet, state: Severity) -> None:
    """Apply severity and secondary triggers; a deferred or negated "already happened" is a warning."""
    _read_secondary(groups, text, rules, state)
    settings, markers = rules.settings, groups.get("modality", [])
    state.markers = markers
    threats: list[Hit] = []
    past: list[Hit] = []
    for hit in groups.get("severity", ()):
        effect = hit.term.name
        mode = modality(hit, markers, text, settings)
        if effect == "past" or effect == "group":
            if mode is None:
                (past if effect == "past" else state.joints).append(hit)
        elif mode in NOT_OURS:
            # Someone else's suit or story, or a rumour of one, is no threat of this writer's.
            state.reasons.append(hit_reason(hit, text, f"not this case's ({mode})"))
        elif effect == "warning" or mode:
            state.warn(hit_reason(hit, text, f"warning ({'threat' if effect == 'warning' else mode})"), hit.term.weight)
            if mode is None:
                threats.append(hit)
        elif effect == "important":
            # A joint complaint is important unless the text shows it is only one or two people
            # ("my neighbour and I are writing together"): collective.py decides with the count.
            state.joints.append(hit)
            state.joint_reason = state.joint_reason or hit_reason(hit, text, effect)
        else:
            state.raise_to(effect, hit_reason(hit, text, effect))
    if past and threats:
        _complete(past, threats, text, rules, state)


def _complete(past: list[Hit], threats: list[Hit], text: str, rules: RuleSet, state: Severity) -> None:
    """Raise to major a threat that a "past" marker of the same sentence shows has already happened."""
    window = rules.settings.completion_window
    for marker in past:
        wanted = rules.completes.get(marker.term.rule, ())
        for threat in threats:
            if threat.term.rule not in wanted:
                continue
            span = together(marker, threat, text, window)
            if span:
                start, end = span
                detail = f"major: {text[threat.start:threat.end]!r} already happened ({text[marker.start:marker.end]!r}, same sentence)"
                state.raise_to("major", span_reason(marker.term.rule, detail, text, start, end))
                return


def mark_secondary(rules: RuleSet, state: Severity) -> None:
    """Mark a secondary complaint when its evidence reaches the threshold (closed or fixed before, and back or not fixed)."""
    threshold = rules.settings.secondary_threshold
    if state.secondary_score >= threshold:
        state.secondary = True
        state.raise_to("important", Reason("severity.secondary", f"secondary complaint: evidence {state.secondary_score:g} >= {threshold:g}"))
