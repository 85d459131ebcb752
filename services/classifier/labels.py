"""Hold what the classifier says about one message: its labels and the reasons that explain them.

Every label comes with reasons: the rule that decided it, a short detail and, when a phrase of the
text did it, that phrase and its span in the normalized text the classifier read.
"""

from __future__ import annotations

from dataclasses import dataclass

from .matcher import Hit

SEVERITY_ORDER = {"general": 0, "important": 1, "major": 2}


@dataclass
class Reason:
    """Why a label was given: the rule id, a short detail, and the matched phrase and its span.

    Not frozen: a message gets a dozen reasons, and a frozen dataclass's __init__ costs twice as much
    (the classifier's throughput target). Nothing changes a reason after it is made.
    """

    rule: str
    detail: str
    phrase: str | None = None
    start: int | None = None
    end: int | None = None

    def as_dict(self) -> dict:
        """The reason as JSON-ready fields, leaving out the empty ones (cheaper than dataclasses.asdict)."""
        out = {"rule": self.rule, "detail": self.detail}
        for key, value in (("phrase", self.phrase), ("start", self.start), ("end", self.end)):
            if value is not None:
                out[key] = value
        return out


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


def hit_reason(hit: Hit, text: str, detail: str) -> Reason:
    """Explain one hit: its rule, what it did, the phrase and where."""
    return Reason(hit.term.rule, detail, text[hit.start : hit.end], hit.start, hit.end)


def span_reason(rule: str, detail: str, text: str, start: int, end: int) -> Reason:
    """Explain a label by a stretch of the text (from one hit to another)."""
    return Reason(rule, detail, text[start:end], start, end)
