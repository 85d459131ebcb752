"""Compose the tracker's automatic mails: the acknowledgement, the leadership report and the escalations.

Each function only queues an outbox row in the caller's transaction (see ``mails.queue``); the
dedupe key names what the mail is about, so the same fact is never mailed twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from services.tracker import clocks, mails
from services.tracker.context import TrackerContext
from services.tracker.models import Case, CaseMessage, Clock
from shared.contracts import ComplaintReceived


def _lang(case: Case) -> str:
    return "zh" if case.language == "zh" else "en"


def acknowledge(session: Session, case: Case, c: ComplaintReceived, now: datetime, ctx: TrackerContext) -> None:
    """Tell the customer the case number and the promised times, at once (SPEC §5, 000 §5.2)."""
    if not case.customer_email:
        return
    lang = _lang(case)
    due = {"first_reply": None, "resolution": None}
    for name in due:
        if name in ctx.policy.by_kind.get(case.kind, ()):
            due[name] = mails.local_time(clocks.deadline(name, now, ctx.policy, ctx.calendar), ctx.tz)
    subject, body = mails.render("acknowledgement", lang, case=case, due=due, company=ctx.company,
                                 kind_label=mails.label(lang, case.kind))
    refs = [i for i in (*c.references, c.message_id) if i]
    mails.queue(session, case=case, kind="acknowledgement", dedupe_key=f"ack:{case.id}",
                recipients=[case.customer_email], subject=subject, body=body, now=now,
                domain=ctx.domain, in_reply_to=c.message_id, references=refs,
                auto_submitted="auto-replied", threads=True)


def report_to_leadership(session: Session, case: Case, now: datetime, ctx: TrackerContext, *, why: str) -> None:
    """Major and important complaints are reported to leadership at once (002 §7)."""
    if case.severity == "general" or not ctx.leadership:
        return
    lang = _lang(case)
    reasons = [r.get("detail", r.get("rule", "")) for r in case.reasons][-8:] or [why]
    excerpt = (case.subject + "\n" if case.subject else "") + _first_body(session, case)
    subject, body = mails.render("leadership_report", lang, case=case, company=ctx.company,
                                 severity_label=mails.label(lang, case.severity),
                                 category_label=mails.label(lang, case.category),
                                 opened=mails.local_time(case.created_at, ctx.tz), reasons=reasons,
                                 excerpt=excerpt[:800])
    mails.queue(session, case=case, kind="leadership_report",
                dedupe_key=f"leadership:{case.id}:severity:{case.severity}:{case.reopens}",
                recipients=list(ctx.leadership), subject=subject, body=body, now=now, domain=ctx.domain)


def leadership_update(session: Session, case: Case, step: str, text: str, seq: int, now: datetime,
                      ctx: TrackerContext) -> None:
    """Leadership follows a major complaint step by step, and an important one's result (002 §7)."""
    follows = {"major": {"reply", "plan", "progress", "wait", "resolve"}, "important": {"resolve"}}
    if case.kind != "complaint" or step not in follows.get(case.severity, ()) or not ctx.leadership:
        return
    lang = _lang(case)
    subject, body = mails.render("leadership_update", lang, case=case, company=ctx.company, text=text or "",
                                 severity_label=mails.label(lang, case.severity),
                                 category_label=mails.label(lang, case.category),
                                 step_label=mails.label(lang, "step_" + step), when=mails.local_time(now, ctx.tz))
    mails.queue(session, case=case, kind="leadership_update", dedupe_key=f"leadership:{case.id}:{step}:{seq}",
                recipients=list(ctx.leadership), subject=subject, body=body, now=now, domain=ctx.domain)


def _first_body(session: Session, case: Case) -> str:
    row = session.exec(select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)).first()
    return row.body if row else ""


def escalate(session: Session, case: Case, clock: Clock, level: str, now: datetime, ctx: TrackerContext) -> None:
    """A ladder step fired: warn the handler, escalate to the lead, or tell leadership."""
    recipients = {"warning": [case.assignee] if case.assignee and "@" in case.assignee else list(ctx.leads),
                  "breach": list(ctx.leads), "leadership": list(ctx.leadership)}[level]
    if not recipients:
        return
    lang = "zh" if ctx.calendar.country == "CN" else "en"
    subject, body = mails.render("escalation", lang, case=case, level=level, company=ctx.company,
                                 level_label=mails.label(lang, level), clock_label=mails.label(lang, clock.name),
                                 category_label=mails.label(lang, case.category),
                                 severity_label=mails.label(lang, case.severity),
                                 due=mails.local_time(clock.due_at, ctx.tz),
                                 started=mails.local_time(clock.started_at, ctx.tz))
    mails.queue(session, case=case, kind=f"escalation_{level}", dedupe_key=f"clock:{clock.id}:{level}",
                recipients=recipients, subject=subject, body=body, now=now, domain=ctx.domain)
