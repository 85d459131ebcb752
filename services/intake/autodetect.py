"""Tell whether a machine sent a mail (bounce, auto-reply, list, bulk) and guess its language.

detect_auto follows RFC 3834 and common practice; the first rule that matches
wins: "bounce" for a DSN (multipart/report or a message/delivery-status part),
a MAILER-DAEMON or postmaster sender, or X-Failed-Recipients; "auto_reply" for
any other multipart/report (read receipt, abuse report), Auto-Submitted other
than "no", X-Autoreply and similar headers, Precedence: auto_reply,
X-MS-Exchange-Generated-Message-Source, or an out-of-office subject
("Automatic reply:", "自动回复"); "bounce" for a null return path
(Return-Path: <>); "list" for Precedence: list, List-Id or List-Unsubscribe;
"bulk" for Precedence: bulk or junk. X-Auto-Response-Suppress means nothing on
its own: Exchange puts it on ordinary mail too.

guess_language returns "zh" or "en" from the share of CJK characters in what
the sender wrote.
"""

from __future__ import annotations

import re
from email.message import Message

from services.intake.headers import first_header
from services.intake.mimeparts import part_mime

_OPENING = 500
# CJK punctuation, kana, ideographs, hangul and full-width forms.
_CJK = re.compile(
    "[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0002fa1f]"
)
_LATIN = re.compile(r"[A-Za-z]")
_REPLY_PREFIX = re.compile(r"\s*(re|fwd?|aw|wg|回复|答复|转发)\s*[:：]", re.IGNORECASE)
_NO = re.compile(r"no\b", re.IGNORECASE)
_DAEMON = re.compile(r"\s*\"?(mailer[-_ ]?daemon|post_?master)\b(?![.-])", re.IGNORECASE)
_AUTOREPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-autoreply-from", "x-mail-autoreply")
_EXCHANGE_SOURCE = "x-ms-exchange-generated-message-source"
_OOF_SUBJECT = re.compile(
    r"(automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|out of (the )?office"
    r"( auto ?reply)?|自动回复|自动答复)\s*([:：]|$)",
    re.IGNORECASE,
)


def detect_auto(
    msg: Message, delivery_status: bool, sender: str | None, subject: str
) -> tuple[str | None, str | None]:
    """Return (kind, reason) if a machine sent the mail, else (None, None); see the module doc.

    delivery_status says whether the mail has a message/delivery-status part;
    sender and subject are the decoded From address and Subject.
    """
    report = (part_mime(msg).report_type or "").lower()
    submitted = " ".join((first_header(msg, "auto-submitted") or "").split()) or "no"
    precedence = (first_header(msg, "precedence") or "").strip().lower()
    daemon = _DAEMON.match(sender or "") or _DAEMON.match(first_header(msg, "from") or "")
    rules = [
        (report == "delivery-status", "bounce", "DSN multipart/report"),
        (delivery_status, "bounce", "DSN message/delivery-status part"),
        (daemon, "bounce", f"From: {daemon and daemon.group(1).upper()}"),
        (first_header(msg, "x-failed-recipients"), "bounce", "X-Failed-Recipients header"),
        (report, "auto_reply", f"multipart/report report-type={report}"),
        (not _NO.match(submitted), "auto_reply", f"Auto-Submitted: {submitted}"),
        (precedence == "auto_reply", "auto_reply", "Precedence: auto_reply"),
        *(
            (first_header(msg, h) is not None, "auto_reply", f"{h} header")
            for h in _AUTOREPLY_HEADERS
        ),
        (first_header(msg, _EXCHANGE_SOURCE), "auto_reply", f"{_EXCHANGE_SOURCE} header"),
        (_OOF_SUBJECT.match(subject), "auto_reply", f"out-of-office subject {subject[:40]!r}"),
        (
            (first_header(msg, "return-path") or "").replace(" ", "") == "<>",
            "bounce",
            "null return path",
        ),
        (precedence == "list", "list", "Precedence: list"),
        (first_header(msg, "list-id") is not None, "list", "List-Id header"),
        (first_header(msg, "list-unsubscribe") is not None, "list", "List-Unsubscribe header"),
        (precedence in ("bulk", "junk"), "bulk", f"Precedence: {precedence}"),
    ]
    return next(((kind, reason) for hit, kind, reason in rules if hit), (None, None))


def guess_language(subject: str, text: str) -> str:
    """Return "zh" if CJK characters are a meaningful share of what the sender wrote, else "en".

    Only the subject and the opening of the text count, because signatures and
    bilingual disclaimers come last. Quoted lines ("> ...") and the subject of
    a reply or forward (usually our own) are left out if anything else is left.
    A CJK character weighs like five Latin letters (about one English word);
    "zh" needs a 30 % share.
    """
    own = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    own_subject = "" if _REPLY_PREFIX.match(subject) else subject
    for sample in (f"{own_subject}\n{own[:_OPENING]}", f"{subject}\n{text[:_OPENING]}"):
        cjk, latin = len(_CJK.findall(sample)) * 5, len(_LATIN.findall(sample))
        if cjk or latin:
            return "zh" if cjk >= 10 and cjk >= 0.3 * (cjk + latin) else "en"
    return "en"
