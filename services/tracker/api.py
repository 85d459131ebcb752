"""Serve the staff REST API: list and read cases, apply handler actions, see intake failures and mail.

Every endpoint needs a bearer token with the handler role (or admin); every read of one case is
recorded with the reader and the time (SPEC §8). An impossible action answers 409 with the reason.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, select

from services.tracker import clocks
from services.tracker.actions import ActionRefused, apply_action
from services.tracker.models import Action, Case, CaseMessage, CaseRead, Clock, ClockEvent, IntakeFailure, Outbox
from shared import subjects
from shared.auth import Caller, require
from shared.bus import dead_letter_count

router = APIRouter(prefix="/api/v1")
handler = require("handler")
ActionName = Literal["assign", "reply", "plan", "progress", "wait", "resolve", "follow_up", "analysis", "close", "reopen"]
_NEEDS_TEXT = {"reply", "plan", "progress", "resolve"}


class ActionBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    text: str | None = Field(default=None, max_length=20_000, description="What the customer is told")
    assignee: str | None = Field(default=None, max_length=254)
    satisfaction: int | None = Field(default=None, ge=1, le=5)
    comment: str | None = Field(default=None, max_length=5_000)
    cause: str | None = Field(default=None, max_length=10_000)
    corrective: str | None = Field(default=None, max_length=10_000)
    preventive: str | None = Field(default=None, max_length=10_000)


def _check(action: str, body: ActionBody) -> None:
    missing = []
    if action in _NEEDS_TEXT and not body.text:
        missing.append("text")
    if action == "assign" and not body.assignee:
        missing.append("assignee")
    if action == "follow_up" and body.satisfaction is None:
        missing.append("satisfaction")
    if action == "analysis" and not (body.cause or body.corrective or body.preventive):
        missing.append("cause|corrective|preventive")
    if missing:
        raise HTTPException(422, [{"loc": ["body", m], "msg": f"required for {action}", "type": "missing"} for m in missing])


def _session(request: Request):
    # Objects stay readable after a commit (a read is recorded, then the case is returned).
    with Session(request.app.state.engine, expire_on_commit=False) as s:
        yield s


def _case(session: Session, number: str) -> Case:
    case = session.exec(select(Case).where(Case.number == number)).first()
    if case is None:
        raise HTTPException(404, f"no case {number}")
    return case


@router.get("/cases")
def list_cases(state: str | None = None, severity: str | None = None, category: str | None = None,
               project: str | None = None, source_id: str | None = None,
               limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
               session: Session = Depends(_session), caller: Caller = Depends(handler)) -> list[dict]:
    q = select(Case)
    if source_id:
        q = q.join(CaseMessage, CaseMessage.case_id == Case.id).where(CaseMessage.source_id == source_id)
    for column, value in ((Case.state, state), (Case.severity, severity), (Case.category, category), (Case.project, project)):
        if value:
            q = q.where(column == value)
    rows = session.exec(q.order_by(Case.id.desc()).offset(offset).limit(limit)).all()
    return [_summary(c) for c in rows]


def _summary(c: Case) -> dict:
    return c.model_dump(include={"number", "state", "kind", "category", "severity", "project", "channel",
                                 "subject", "assignee", "created_at", "updated_at", "secondary"})


@router.get("/cases/{number}")
def read_case(number: str, request: Request, session: Session = Depends(_session), caller: Caller = Depends(handler)) -> dict:
    case = _case(session, number)
    session.add(CaseRead(case_id=case.id, actor=caller.actor, at=request.app.state.clock.now()))
    session.commit()
    now, cal = request.app.state.clock.now(), request.app.state.ctx.calendar
    by_case = lambda model: session.exec(select(model).where(model.case_id == case.id).order_by(model.id)).all()  # noqa: E731
    return {
        **case.model_dump(),
        "labels": {"kind": case.kind, "category": case.category, "severity": case.severity,
                   "reasons": case.reasons, "warnings": case.warnings, "ruleset_version": case.ruleset_version},
        "messages": [m.model_dump(exclude={"labels"}) for m in by_case(CaseMessage)],
        "clocks": [{**c.model_dump(), "remaining_seconds": clocks.remaining(c, now, cal).total_seconds()}
                   for c in by_case(Clock)],
        "clock_events": [e.model_dump() for e in by_case(ClockEvent)],
        "mails": [m.model_dump(include={"kind", "recipients", "subject", "message_id", "created_at", "sent_at", "attempts", "last_error"})
                  for m in by_case(Outbox)],
        "actions": [a.model_dump() for a in by_case(Action)],
    }


@router.post("/cases/{number}/actions/{action}")
def act(number: str, action: ActionName, body: ActionBody, request: Request,
        session: Session = Depends(_session), caller: Caller = Depends(handler)) -> dict:
    _check(action, body)
    case = _case(session, number)
    state = request.app.state
    try:
        apply_action(session, case, action, body.model_dump(), caller.actor, state.clock.now(), state.ctx)
    except ActionRefused as exc:
        session.rollback()
        raise HTTPException(409, str(exc)) from None
    session.commit()
    for wake in state.wakes:
        wake.set()
    return _summary(case)


@router.get("/intake-failures")
def intake_failures(session: Session = Depends(_session), caller: Caller = Depends(handler)) -> list[dict]:
    return [f.model_dump() for f in session.exec(select(IntakeFailure).order_by(IntakeFailure.id.desc()).limit(200)).all()]


@router.get("/dead-letters")
async def dead_letters(request: Request, caller: Caller = Depends(handler)) -> dict[str, int]:
    """How many poison messages each consumer has parked on its dead-letter subject."""
    js = request.app.state.js
    names = (subjects.CLASSIFIER_CONSUMER, subjects.TRACKER_CONSUMER, subjects.TRACKER_FAILURES_CONSUMER)
    return {name: await dead_letter_count(js, name) for name in names}


@router.get("/outbox")
def outbox(pending: bool = False, session: Session = Depends(_session), caller: Caller = Depends(handler)) -> list[dict]:
    q = select(Outbox).order_by(Outbox.id.desc()).limit(200)
    if pending:
        q = q.where(Outbox.sent_at.is_(None))
    return [m.model_dump(exclude={"body"}) for m in session.exec(q).all()]
