"""Count the people behind a complaint and apply the collective thresholds of 002 §7 (3+ important, 10+ major).

The phone log's people field counts who called or came; otherwise the largest count in the text
(people.py) is the group. A count that is only planned (可以组织五十户, if 30 of us) does not count.
A joint letter or a caller who speaks for others can vouch for a larger group than the field: the
signatures, the flats listed, "代表1单元共6户业主".
"""

from __future__ import annotations

from .labels import Reason
from .matcher import Hit
from .people import PeopleMention, find_flat_lists, find_people, find_signatures
from .ruleset import RuleSet
from .severity import CLAUSE_BREAKS, NOT_OURS, Severity, modality_at, together


# Modes under which a count is not a group complaining here: a plan, another place, a rumour.
PLANNED = NOT_OURS | {"defer"}


def _planned(mention: PeopleMention, text: str, rules: RuleSet, state: Severity) -> bool:
    """Tell whether a defer marker stands shortly before a people count (可以组织五十户, if 30 of us): only a plan."""
    return modality_at(mention.start, mention.phrase[0].isascii(), state.markers, text, rules.settings) in PLANNED


def people_of(text: str, given: int | None, rules: RuleSet, state: Severity, skip: int = 0) -> tuple[int | None, list[Reason]]:
    """Return the number of people: the phone log's field when given, else the largest count in the text.

    A count that is only planned (可以组织五十户一起去) does not count. A count beside a joint-complaint
    trigger (a letter signed by 16 owners) counts when it is larger, even against the field. Counts in
    the first skip characters (a forward's subject, which is the forwarded item's) are not the sender's.
    """
    count, reasons = None, []
    if given is not None:
        count, reasons = given, [Reason("people.field", f"phone log says {given} people")]
    else:
        mentions = [mention for mention in find_people(text) if mention.start >= skip and not _planned(mention, text, rules, state)]
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
                vouched = joint.end <= mention.start and not CLAUSE_BREAKS.intersection(text[joint.end : mention.start])
            else:
                vouched = together(joint, mention, text, window) is not None
            if vouched:
                mentions.append(mention)
                break
    if any(joint.term.name != "group" for joint in joints):
        # A joint letter's list of flats may stand anywhere, usually under the signature line.
        mentions += find_flat_lists(text)
    return max(mentions, key=lambda mention: mention.value) if mentions else None


def collective(count: int | None, rules: RuleSet, state: Severity, from_field: bool = False) -> None:
    """Apply the collective-complaint thresholds to the number of people, and the joint-complaint trigger.

    A joint complaint (联名, writing together) is important unless the text counts fewer people than
    the threshold (my neighbour and I: two); the phone log's field counts who came, not who signed,
    so it does not overrule a joint letter.
    """
    settings = rules.settings
    if state.joint_reason is not None:
        if count is not None and not from_field and count < settings.collective_important:
            state.reasons.append(Reason("severity.joint.small", f"joint complaint of {count} people < {settings.collective_important}: not collective"))
        else:
            state.raise_to("important", state.joint_reason)
    if count is None:
        return
    if count >= settings.collective_major:
        state.raise_to("major", Reason("severity.collective.major", f"{count} people >= {settings.collective_major}"))
    elif count >= settings.collective_important:
        state.raise_to("important", Reason("severity.collective.important", f"{count} people >= {settings.collective_important}"))
