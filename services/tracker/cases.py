"""Apply a classified complaint to the case store: open a case, thread a reply, reopen, or raise a cluster.

Everything here runs inside the caller's transaction, so the case change, its clocks, its actions
and the mails it causes (outbox rows) are committed together or not at all. Applying the same
complaint twice changes nothing: the message's source id is unique and is checked first.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session, select

from services.tracker import clocks
from services.tracker.context import SEVERITY_RANK, TrackerContext
from services.tracker.ladder import record_event
from services.tracker.models import Action, Case, CaseMessage, Clock, ThreadId
from services.tracker.reports import acknowledge, report_to_leadership
from shared.contracts import ComplaintClassified, ComplaintReceived

CASE_NUMBER = re.compile(r"\bCD-\d{4}-\d{6}\b")
CLOSED_STATES = {"resolved", "closed"}


def apply_classified(session: Session, event: ComplaintClassified, now: datetime, ctx: TrackerContext) -> Case | None:
    c, labels = event.complaint, event.labels
    if session.exec(select(CaseMessage.id).where(CaseMessage.source_id == c.source_id)).first():
        return None
    case = find_thread(session, c)
    if c.auto:
        record_message(session, case, event)
        return case
    if case is None:
        case = open_case(session, event, now, ctx)
    else:
        record_message(session, case, event)
        follow_up_message(session, case, event, now, ctx)
    raise_cluster(session, labels.raise_source_ids, len(labels.raise_source_ids) + 1, now, ctx)
    return case


def find_thread(session: Session, c: ComplaintReceived) -> Case | None:
    ids = [i for i in (c.in_reply_to, *c.references) if i]
    if ids:
        row = session.exec(select(ThreadId).where(ThreadId.message_id.in_(ids))).first()
        if row:
            return session.get(Case, row.case_id)
    number = CASE_NUMBER.search(c.subject or "")
    if number:
        return session.exec(select(Case).where(Case.number == number.group())).first()
    return None


def record_message(session: Session, case: Case | None, event: ComplaintClassified) -> CaseMessage:
    c = event.complaint
    row = CaseMessage(case_id=case.id if case else None, source_id=c.source_id, channel=c.channel,
                      message_id=c.message_id, subject=c.subject, body=c.body,
                      attachments=[a.model_dump() for a in c.attachments],
                      labels=event.labels.model_dump(mode="json"), auto=c.auto, received_at=c.received_at)
    session.add(row)
    if case is not None and c.message_id:
        session.merge(ThreadId(message_id=c.message_id, case_id=case.id))
    return row


def open_case(session: Session, event: ComplaintClassified, now: datetime, ctx: TrackerContext) -> Case:
    c, labels = event.complaint, event.labels
    case = Case(kind=labels.kind, category=labels.category, severity=labels.severity,
                project=labels.project or c.project, channel=c.channel, language=c.language,
                subject=c.subject, customer_email=c.sender_email, customer_name=c.sender_name,
                customer_phone=c.phone, people=labels.people or c.people,
                reasons=[r.model_dump() for r in labels.reasons], warnings=list(labels.warnings),
                ruleset_version=labels.ruleset_version, secondary=labels.secondary,
                created_at=now, updated_at=now)
    session.add(case)
    session.flush()
    case.number = f"CD-{now.astimezone(ctx.tz).year}-{case.id:06d}"
    record_message(session, case, event)
    log_action(session, case, "opened", "system", now, source_id=c.source_id, severity=case.severity)
    for name in ctx.policy.by_kind.get(case.kind, ()):
        start_clock(session, case, name, now, ctx)
    acknowledge(session, case, c, now, ctx)
    report(session, case, now, ctx, why="opened")
    return case


def follow_up_message(session: Session, case: Case, event: ComplaintClassified, now: datetime, ctx: TrackerContext) -> None:
    """A customer wrote again in an existing case: resume, reopen or raise it as the message warrants."""
    case.updated_at = now
    labels = event.labels
    if case.state in CLOSED_STATES and labels.kind == "complaint":
        reopen(session, case, now, ctx, actor="customer", why="customer wrote again after the case was handled")
    elif case.state == "waiting":
        resume_waiting(session, case, now, ctx)
    if SEVERITY_RANK[labels.severity] > SEVERITY_RANK[case.severity] and case.kind == "complaint":
        raise_severity(session, case, labels.severity, now, ctx, why="a later message in the case",
                       reasons=[r.model_dump() for r in labels.reasons])


def reopen(session: Session, case: Case, now: datetime, ctx: TrackerContext, *, actor: str, why: str) -> None:
    """A secondary complaint (二次投诉): reopen, restart the clocks, and make the case important."""
    case.state, case.secondary, case.reopens = "open", True, case.reopens + 1
    case.resolved_at = case.closed_at = None
    stop_clocks(session, case, now, names=("follow_up", "evaluation"))
    log_action(session, case, "reopened", actor, now, why=why)
    for name in ("first_reply", "resolution"):
        start_clock(session, case, name, now, ctx, round_=case.reopens + 1)
    if SEVERITY_RANK[case.severity] < SEVERITY_RANK["important"]:
        raise_severity(session, case, "important", now, ctx, why="secondary complaint: " + why)
    else:
        report(session, case, now, ctx, why="secondary complaint")


def raise_severity(session: Session, case: Case, to: str, now: datetime, ctx: TrackerContext, *, why: str, reasons=()) -> None:
    log_action(session, case, "severity_raised", "system", now, **{"from": case.severity, "to": to, "why": why})
    case.severity, case.updated_at = to, now
    case.reasons = list(case.reasons) + list(reasons) + [{"rule": "tracker.raise", "detail": why}]
    report(session, case, now, ctx, why=why)


def raise_cluster(session: Session, source_ids, count: int, now: datetime, ctx: TrackerContext) -> None:
    """The count rule fired: earlier, still-open complaints of the cluster become important too."""
    if not source_ids:
        return
    rows = session.exec(select(CaseMessage.case_id).where(CaseMessage.source_id.in_(list(source_ids)))).all()
    for case_id in {r for r in rows if r is not None}:
        case = session.get(Case, case_id)
        if case.state not in CLOSED_STATES and case.severity == "general":
            raise_severity(session, case, "important", now, ctx,
                           why=f"count rule: {count} different complainants, same project and category within 30 days")


def report(session: Session, case: Case, now: datetime, ctx: TrackerContext, *, why: str) -> None:
    """Report the case to leadership at once and record the leadership promise as kept."""
    if case.kind != "complaint" or case.severity == "general":
        return
    report_to_leadership(session, case, now, ctx, why=why)
    clock = start_clock(session, case, f"leadership_{case.severity}", now, ctx,
                        round_=next_round(session, case, f"leadership_{case.severity}"))
    clocks.stop(clock, now)
    record_event(session, clock, "met", now)


def next_round(session: Session, case: Case, name: str) -> int:
    rounds = session.exec(select(Clock.round).where(Clock.case_id == case.id, Clock.name == name)).all()
    return max(rounds, default=0) + 1


def start_clock(session: Session, case: Case, name: str, now: datetime, ctx: TrackerContext, round_: int = 1) -> Clock:
    clock = clocks.start(case.id, name, now, ctx.policy, ctx.calendar, round_)
    session.add(clock)
    session.flush()
    record_event(session, clock, "started", now)
    return clock


def running_clocks(session: Session, case: Case, names=None) -> list[Clock]:
    q = select(Clock).where(Clock.case_id == case.id, Clock.state.in_(["running", "paused"]))
    return [c for c in session.exec(q).all() if names is None or c.name in names]


def stop_clocks(session: Session, case: Case, now: datetime, names=None, actor: str = "system") -> None:
    for clock in running_clocks(session, case, names):
        clocks.stop(clock, now)
        record_event(session, clock, "met", now, actor)


def resume_waiting(session: Session, case: Case, now: datetime, ctx: TrackerContext) -> None:
    for clock in running_clocks(session, case, ("resolution",)):
        if clock.state == "paused":
            clocks.resume(clock, now, ctx.policy, ctx.calendar)
            record_event(session, clock, "resumed", now, "customer")
    case.state, case.resume_state = case.resume_state or "open", None


def log_action(session: Session, case: Case, action: str, actor: str, now: datetime, **detail) -> None:
    session.add(Action(case_id=case.id, action=action, actor=actor, at=now, detail=detail))
