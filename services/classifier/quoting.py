"""Keep only the customer's new text of a mail: drop quoted replies, forwarded blocks and signatures.

The functions work on normalized text (see normalize.py): half-width punctuation, lower case;
message_text() normalizes a subject and body and returns the text the classifier labels.
Everything from the first quote header or signature marker to the end is dropped, and so are the
lines that start with ``>`` anywhere in the message.
"""

from __future__ import annotations

import re

from .normalize import normalize

# The name in a forwarded item's header rule ("---- Forwarded message ----", "---- 转发的文章 ----").
_FORWARDED = r"forwarded (?:message|article|email|mail|news)|转发的?(?:邮件|消息|文章|内容|新闻)"
# A line that starts a quoted or forwarded block; the rest of the mail is not the customer's new text.
_BLOCK_START = re.compile(
    r"^\s*(?:"
    rf"-{{2,}}\s*(?:原始邮件|original message|{_FORWARDED}|邮件原件)\s*-{{2,}}"
    r"|_{8,}"
    r"|on\b.{0,200}\bwrote:"
    r"|(?:在|于).{0,200}写道:"
    r"|begin forwarded message:"
    r")\s*$"
)
# "On <date>, <name>" sometimes wraps so that "wrote:" stands on the next line.
_ON_WRAPPED = re.compile(r"^\s*on\b.{0,200}$")
_WROTE_LINE = re.compile(r"^.{0,120}\bwrote:\s*$")
# A header block of a forwarded or quoted mail (Outlook style): From: then Sent:/Date: soon after.
_FROM_LINE = re.compile(r"^\s*(?:from|发件人|寄件者):")
_SENT_LINE = re.compile(r"^\s*(?:sent|date|发送时间|时间|日期|寄件日期|to|收件人|subject|主题):")
# A signature: the "-- " delimiter or a mobile client's tag line.
_SIGNATURE = re.compile(
    r"^\s*(?:--|"
    r"sent from my .{1,40}|sent from .{0,20}(?:mail|outlook|iphone|ipad|android).{0,20}"
    r"|get outlook for .{1,20}"
    r"|发自我的.{1,20}|发自.{0,10}(?:邮箱|邮件|mail|iphone|ipad|手机).{0,10}|来自我的.{1,20}(?:手机|iphone|ipad)"
    r")\s*$"
)
# A quoted line: ">" (mail quoting) or a line marked as forwarded inline (【转发】"…").
_QUOTED_LINE = re.compile(r"^\s*(?:>|【转发】|【转】|\[转发\]|\[fwd\])")
# A forwarded item's header, and the rule of dashes (alone, or around "end") that may close it.
_FORWARD_HEADER = re.compile(rf"^\s*-{{2,}}\s*(?:{_FORWARDED})\s*-{{2,}}\s*$")
_CLOSING_RULE = re.compile(r"^\s*(?:-{5,}|-{2,}\s*(?:结束|转发结束|全文完|end|end of (?:the )?forwarded (?:message|article|mail|email))\s*-{2,})\s*$")
# A cheap first look: a body with none of these has nothing to drop.
_ANY_MARKER = re.compile(r">|--|转发|【转】|__|wrote:|写道|from:|发件人|寄件者|sent from|发自|来自|get outlook|begin forwarded|原始邮件|original message|forwarded")
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|sv|回复|答复|转发|转|回覆)\s*:\s*)+")


def _block_start(lines: list[str], i: int) -> bool:
    """Tell whether line i opens a quoted/forwarded block or a signature."""
    line = lines[i]
    if _BLOCK_START.match(line) or _SIGNATURE.match(line):
        return True
    if _ON_WRAPPED.match(line) and i + 1 < len(lines) and _WROTE_LINE.match(lines[i + 1]):
        return True
    if _FROM_LINE.match(line):
        following = lines[i + 1 : i + 4]
        return any(_SENT_LINE.match(other) for other in following)
    return False


def _forward_end(lines: list[str], i: int) -> int:
    """Return the line that closes the forwarded item opened at line i (a rule of dashes), or -1 when it runs to the end.

    Some writers forward an article and then write below it ("I am the owner in that article"):
    what follows the closing rule is their own text again.
    """
    if not _FORWARD_HEADER.match(lines[i]):
        return -1
    for j in range(i + 1, len(lines)):
        if _CLOSING_RULE.match(lines[j]):
            return j
    return -1


def split_new_text(body: str) -> tuple[str, bool]:
    """Return the new text of a normalized body and whether anything was dropped."""
    if not _ANY_MARKER.search(body):
        return body.strip(), False
    lines = body.split("\n")
    kept: list[str] = []
    dropped = False
    skip_to = -1
    for i, line in enumerate(lines):
        if i <= skip_to:
            continue
        if _block_start(lines, i):
            dropped = True
            skip_to = _forward_end(lines, i)
            if skip_to < 0:
                break
            continue
        if _QUOTED_LINE.match(line):
            dropped = True
            continue
        kept.append(line)
    return "\n".join(kept).strip(), dropped


def new_text(body: str) -> str:
    """Return only the customer's new text of a normalized body (the whole body if nothing else is left)."""
    text, _ = split_new_text(body)
    return text or body.strip()


def clean_subject(subject: str) -> str:
    """Strip reply and forward prefixes (Re:, Fwd:, 回复:, 转发:) from a normalized subject."""
    return _SUBJECT_PREFIX.sub("", subject).strip()


_FORWARD_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|回复|答复|回覆)\s*:\s*)*(?:fw|fwd|转发|轉發|转|轉)\s*:", re.IGNORECASE)


def forwarded_subject_length(subject: str, dropped: bool) -> int:
    """Return the length of a forward's cleaned subject in the labelled text, or 0 when it is not a forward.

    A forwarded mail's subject is the forwarded item's subject ("Fwd: Flooded garage on the news"),
    so, like the forwarded block itself, its severity triggers are not the sender's own.
    """
    if not dropped:
        return 0
    subject = normalize(subject)
    return len(clean_subject(subject)) if _FORWARD_PREFIX.match(subject) else 0


def message_text(subject: str, body: str) -> tuple[str, bool, str]:
    """Return the text to label (cleaned subject, then the body's new text), whether anything was dropped, and the whole body; all normalized."""
    whole = normalize(body)
    new_body, dropped = split_new_text(whole)
    if not new_body:
        new_body = whole.strip()
    subject = clean_subject(normalize(subject))
    return (f"{subject}\n{new_body}" if subject else new_body), dropped, whole
