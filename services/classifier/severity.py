"""Read the severity of one message from its trigger hits and its number of people (002 §7).

Only what already happened is major or important. A trigger that a "defer" marker (will, if, 准备)
or a "negate" marker (not, 没) stands shortly before, in the same clause, is a threat: a warning,
never a severity. A "past" rule (published, aired, 见报) completes the warning rule it names when
both stand, neither deferred nor denied, in one sentence: "a reporter interviewed me ... the story
was published yesterday" is media exposure that already happened. Secondary-complaint evidence is
summed per rule; a rule that requires a context (a case word) counts only in a sentence with one.
People counts apply the collective thresholds.
"""

from __future__ import annotations

from .labels import SEVERITY_ORDER, Reason, hit_reason, span_reason
from .matcher import Hit
from .normalize import SENTENCE_ENDS
from .people import PeopleMention, find_flat_lists, find_people, find_signatures
from .ruleset import RuleSet, Settings

_CLAUSE_BREAKS = frozenset(",.!?;:\n。、")
_SENTENCE_BREAKS = frozenset(SENTENCE_ENDS)


class Severity:
    """Collects severity, warnings, secondary evidence and reasons while the triggers are read."""

    def __init__(self) -> None:
        self.level, self.secondary, self.secondary_score = "general", False, 0.0
        self.warnings: list[str] = []
        self.escalation = 0.0
        self.secondary_rules: set[str] = set()
        self.joints: list[Hit] = []  # Joint-complaint and speaks-for ("group") hits that stand (not deferred or denied).
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


def modality(hit: Hit, markers: list[Hit], text: str, settings: Settings) -> str | None:
    """Return "defer" or "negate" when such a marker stands shortly before hit in the same clause."""
    return modality_at(hit.start, hit.term.phrase[0].isascii(), markers, text, settings)


def modality_at(start: int, latin: bool, markers: list[Hit], text: str, settings: Settings) -> str | None:
    """Return "defer" or "negate" when such a marker stands shortly before start in the same clause (Latin text: 3× the window).

    A "condition" marker (if, 如果) defers everything after it in its sentence.
    """
    scale = 3 if latin else 1
    for marker in markers:
        if marker.end > start:
            continue
        effect = marker.term.name
        if effect == "condition":
            # A condition (if, 如果) makes the rest of its sentence hypothetical, however long the clause.
            gap = text[marker.end : start]
            if len(gap) <= settings.completion_window and not _SENTENCE_BREAKS.intersection(gap):
                return "defer"
            continue
        window = settings.modality_window if effect == "defer" else settings.negation_window
        gap = text[marker.end : start]
        if len(gap) <= window * scale and not _CLAUSE_BREAKS.intersection(gap):
            return effect
    return None


def _together(one: Hit, other: Hit, text: str, window: int) -> tuple[int, int] | None:
    """Return the span of two hits when they stand in one sentence, at most window characters long."""
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
        if needed and not any(other.term.rule == needed and _together(hit, other, text, window) for other in context):
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
        elif effect == "warning" or mode:
            state.warn(hit_reason(hit, text, f"warning ({'threat' if effect == 'warning' else mode})"), hit.term.weight)
            if mode is None:
                threats.append(hit)
        else:
            state.raise_to(effect, hit_reason(hit, text, effect))
            if effect == "important":
                state.joints.append(hit)
    if past and threats:
        _complete(past, threats, text, rules, state)


def _complete(past: list[Hit], threats: list[Hit], text: str, rules: RuleSet, state: Severity) -> None:
    """Raise to major a threat that a "past" marker of the same sentence shows has already happened."""
    window = rules.settings.completion_window
    for marker in past:
        wanted = rules.completes.get(marker.term.rule)
        for threat in threats:
            if threat.term.rule != wanted:
                continue
            span = _together(marker, threat, text, window)
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


def _planned(mention: PeopleMention, text: str, rules: RuleSet, state: Severity) -> bool:
    """Tell whether a defer marker stands shortly before a people count (可以组织五十户, if 30 of us): only a plan."""
    return modality_at(mention.start, mention.phrase[0].isascii(), state.markers, text, rules.settings) == "defer"


def people_of(text: str, given: int | None, rules: RuleSet, state: Severity) -> tuple[int | None, list[Reason]]:
    """Return the number of people: the phone log's field when given, else the largest count in the text.

    A count that is only planned (可以组织五十户一起去) does not count. A count beside a joint-complaint
    trigger (a letter signed by 16 owners) counts when it is larger, even against the field.
    """
    count, reasons = None, []
    if given is not None:
        count, reasons = given, [Reason("people.field", f"phone log says {given} people")]
    else:
        mentions = [mention for mention in find_people(text) if not _planned(mention, text, rules, state)]
        if mentions:
            mention = max(mentions, key=lambda found: found.value)
            count, reasons = mention.value, [Reason("people.text", f"{mention.value} people", mention.phrase, mention.start, mention.end)]
    joint = joint_people(text, state.joints, rules)
    if joint is not None and joint.value > (count or 0) and not _planned(joint, text, rules, state):
        detail = f"{joint.value} people behind the joint complaint"
        return joint.value, reasons + [Reason("people.joint", detail, joint.phrase, joint.start, joint.end)]
    return count, reasons


def joint_people(text: str, joints: list[Hit], rules: RuleSet) -> PeopleMention | None:
    """Return the largest people or signature count that a joint-complaint or speaks-for ("group") hit vouches for.

    A phone log's people field counts who called or came; a joint letter they bring (十几户业主签名的
    联名信, a petition signed by 16 owners) says how many complain, so that count stands beside it:
    anywhere in the joint hit's sentence. A speaks-for hit (代表, on behalf of) vouches only for a
    count after it in the same clause (代表1单元共6户业主), not for "这栋楼一共120户 … 我只代表我自己家".
    """
    if not joints:
        return None
    window = rules.settings.completion_window
    mentions = []
    for mention in find_people(text, totals=True) + find_signatures(text):
        for joint in joints:
            if joint.term.name == "group":
                vouched = joint.end <= mention.start and not _CLAUSE_BREAKS.intersection(text[joint.end : mention.start])
            else:
                vouched = _together(joint, _Span(mention), text, window) is not None
            if vouched:
                mentions.append(mention)
                break
    if any(joint.term.name != "group" for joint in joints):
        # A joint letter's list of flats may stand anywhere, usually under the signature line.
        mentions += find_flat_lists(text)
    return max(mentions, key=lambda mention: mention.value) if mentions else None


class _Span:
    """A people mention seen as a hit's span, so that _together can place it."""

    def __init__(self, mention: PeopleMention) -> None:
        self.start, self.end = mention.start, mention.end


def collective(count: int | None, rules: RuleSet, state: Severity) -> None:
    """Apply the collective-complaint thresholds to the number of people."""
    if count is None:
        return
    settings = rules.settings
    if count >= settings.collective_major:
        state.raise_to("major", Reason("severity.collective.major", f"{count} people >= {settings.collective_major}"))
    elif count >= settings.collective_important:
        state.raise_to("important", Reason("severity.collective.important", f"{count} people >= {settings.collective_important}"))
