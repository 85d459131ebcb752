"""Apply a handler's action to a case, checked against the case's state machine.

``TRANSITIONS`` is the whole state machine: for each action, the states it may start from and the
state it leads to (``None`` keeps the state). An action from any other state raises
``ActionRefused``, which the API turns into 409 with the reason. Each action records itself, changes
the clocks it concerns, and queues the customer mail it implies, in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from services.tracker import clocks, mails
from services.tracker.cases import (next_round, log_action, reopen, resume_waiting, running_clocks, start_clock,
                                    stop_clocks)
from services.tracker.context import TrackerContext
from services.tracker.ladder import record_event
from services.tracker.models import Action, Case, CaseMessage
from services.tracker.reports import leadership_update

ACTIVE = ("open", "replied", "planned", "waiting")
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "assign": (ACTIVE + ("resolved",), None),
    "reply": (ACTIVE, "replied"),
    "plan": (("open", "replied", "planned"), "planned"),
    "progress": (("planned",), None),
    "wait": (("open", "replied", "planned"), "waiting"),
    "resolve": (ACTIVE, "resolved"),
    "follow_up": (("resolved", "closed"), None),
    "analysis": (ACTIVE + ("resolved", "closed"), None),
    "close": (("resolved",), "closed"),
    "reopen": (("resolved", "closed"), "open"),
}
# Actions that mail the customer, with the title line of that mail in each language.
CUSTOMER_MAIL = {"reply": ("答复", "Reply"), "plan": ("处理方案", "Our plan"),
                 "progress": ("处理进度", "Progress update"), "wait": ("需要您的信息", "We need your input"),
                 "resolve": ("处理结果", "Resolution"), "follow_up": ("回访", "Follow-up")}


class ActionRefused(Exception):
    """The action is not possible in the case's present state."""


def apply_action(session: Session, case: Case, action: str, data: dict, actor: str, now: datetime, ctx: TrackerContext) -> None:
    allowed, target = TRANSITIONS[action]
    if case.state not in allowed:
        raise ActionRefused(f"cannot {action} a case that is {case.state}; allowed from {', '.join(allowed)}")
    EFFECTS[action](session, case, data, now, ctx, actor)
    if action == "wait":
        case.resume_state = case.state
    if target:
        case.state = target
    case.updated_at = now
    log_action(session, case, action, actor, now, **{k: v for k, v in data.items() if v is not None})
    if action in CUSTOMER_MAIL and data.get("text"):
        mail_customer(session, case, action, data["text"], now, ctx)
    seq = len(session.exec(select(Action.id).where(Action.case_id == case.id)).all())
    leadership_update(session, case, action, data.get("text") or "", seq, now, ctx)


def mail_customer(session: Session, case: Case, action: str, text: str, now: datetime, ctx: TrackerContext) -> None:
    if not case.customer_email:
        return
    lang = "zh" if case.language == "zh" else "en"
    title = CUSTOMER_MAIL[action][0 if lang == "zh" else 1]
    subject, body = mails.render("handler_reply", lang, case=case, title=title, text=text, company=ctx.company,
                                 survey=action in ("resolve", "follow_up"))
    last = session.exec(select(CaseMessage).where(CaseMessage.case_id == case.id, CaseMessage.message_id.is_not(None))
                        .order_by(CaseMessage.id.desc())).first()
    count = len(session.exec(select(CaseMessage.id).where(CaseMessage.case_id == case.id)).all())
    mails.queue(session, case=case, kind=action, dedupe_key=f"{action}:{case.id}:{now.isoformat()}:{count}",
                recipients=[case.customer_email], subject=subject, body=body, now=now, domain=ctx.domain,
                in_reply_to=last.message_id if last else None, auto_submitted="no", threads=True)


def _assign(session, case, data, now, ctx, actor):
    case.assignee = data["assignee"]


def _reply(session, case, data, now, ctx, actor):
    if case.state == "waiting":
        resume_waiting(session, case, now, ctx)
    stop_clocks(session, case, now, ("first_reply",), actor)


def _plan(session, case, data, now, ctx, actor):
    stop_clocks(session, case, now, ("first_reply", "resolution", "progress"), actor)
    start_clock(session, case, "progress", now, ctx, round_=next_round(session, case, "progress"))


def _progress(session, case, data, now, ctx, actor):
    stop_clocks(session, case, now, ("first_reply", "progress"), actor)
    start_clock(session, case, "progress", now, ctx, round_=next_round(session, case, "progress"))


def _wait(session, case, data, now, ctx, actor):
    for clock in running_clocks(session, case, ("resolution",)):
        if clock.state == "running":
            clocks.pause(clock, now)
            record_event(session, clock, "paused", now, actor)


def _resolve(session, case, data, now, ctx, actor):
    stop_clocks(session, case, now, ("first_reply", "resolution", "progress"), actor)
    case.resolved_at = now
    start_clock(session, case, "follow_up", now, ctx, round_=case.reopens + 1)
    start_clock(session, case, "evaluation", now, ctx, round_=case.reopens + 1)


def _follow_up(session, case, data, now, ctx, actor):
    stop_clocks(session, case, now, ("follow_up",), actor)
    case.satisfaction = data.get("satisfaction")
    if data.get("satisfaction") is not None:
        stop_clocks(session, case, now, ("evaluation",), actor)


def _analysis(session, case, data, now, ctx, actor):
    case.cause = data.get("cause") or case.cause
    case.corrective = data.get("corrective") or case.corrective
    case.preventive = data.get("preventive") or case.preventive


def _close(session, case, data, now, ctx, actor):
    case.closed_at = now


def _reopen(session, case, data, now, ctx, actor):
    reopen(session, case, now, ctx, actor=actor, why=data.get("text") or "reopened by a handler")


EFFECTS = {"assign": _assign, "reply": _reply, "plan": _plan, "progress": _progress, "wait": _wait,
           "resolve": _resolve, "follow_up": _follow_up, "analysis": _analysis, "close": _close,
           "reopen": _reopen}
