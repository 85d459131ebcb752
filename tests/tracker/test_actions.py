"""Handler actions against the case state machine, on a real database."""

import pytest
from sqlmodel import Session, select

from services.tracker.actions import ActionRefused, apply_action
from services.tracker.cases import apply_classified
from services.tracker.models import Case, Clock, ClockEvent, Outbox
from tests.conftest import T0
from tests.tracker.helpers import HOUR, context, engine_for, event

CTX = context()


def opened(engine, **kw) -> int:
    with Session(engine) as s:
        case = apply_classified(s, event(**kw), T0, CTX)
        s.commit()
        return case.id


def act(engine, case_id, action, now, **data):
    with Session(engine) as s:
        case = s.get(Case, case_id)
        apply_action(s, case, action, data, "handler:test", now, CTX)
        s.commit()
        return case.state


def clock(engine, case_id, name):
    with Session(engine) as s:
        return s.exec(select(Clock).where(Clock.case_id == case_id, Clock.name == name).order_by(Clock.id.desc())).first()


def test_full_lifecycle_moves_clocks_and_mails_the_customer(database_url):
    engine = engine_for(database_url)
    cid = opened(engine)
    assert act(engine, cid, "assign", T0 + HOUR, assignee="handler@company.test") == "open"
    assert act(engine, cid, "reply", T0 + 2 * HOUR, text="我们已安排维修师傅明天上门。") == "replied"
    assert clock(engine, cid, "first_reply").state == "met"
    assert act(engine, cid, "wait", T0 + 3 * HOUR, text="请提供方便上门的时间。") == "waiting"
    assert clock(engine, cid, "resolution").state == "paused"
    assert act(engine, cid, "reply", T0 + 27 * HOUR, text="收到，明天上午上门。") == "replied"
    res = clock(engine, cid, "resolution")
    assert res.state == "running"
    assert act(engine, cid, "resolve", T0 + 30 * HOUR, text="已完成维修。") == "resolved"
    assert clock(engine, cid, "resolution").state == "met" and clock(engine, cid, "follow_up").state == "running"
    act(engine, cid, "follow_up", T0 + 40 * HOUR, satisfaction=5, comment="满意")
    act(engine, cid, "analysis", T0 + 41 * HOUR, cause="防水层破损", corrective="重做防水", preventive="交付前闭水试验")
    assert act(engine, cid, "close", T0 + 42 * HOUR) == "closed"
    with Session(engine) as s:
        case = s.get(Case, cid)
        assert (case.satisfaction, case.cause) == (5, "防水层破损")
        kinds = [o.kind for o in s.exec(select(Outbox).order_by(Outbox.id)).all()]
        events = [e.kind for e in s.exec(select(ClockEvent).where(ClockEvent.clock_id == res.id).order_by(ClockEvent.id)).all()]
    assert kinds == ["acknowledgement", "reply", "wait", "reply", "resolve"]
    assert events == ["started", "paused", "resumed", "met"]


def test_paused_day_is_credited_to_the_resolution_deadline(database_url):
    engine = engine_for(database_url)
    cid = opened(engine)
    due = clock(engine, cid, "resolution").due_at
    act(engine, cid, "wait", T0 + HOUR)
    act(engine, cid, "reply", T0 + 25 * HOUR, text="ok")  # Tuesday, one working day later
    assert clock(engine, cid, "resolution").due_at == due + 24 * HOUR


@pytest.mark.parametrize("action,state", [("close", "open"), ("follow_up", "open"), ("progress", "open"), ("reopen", "open")])
def test_impossible_transition_is_refused_with_the_reason(database_url, action, state):
    engine = engine_for(database_url)
    cid = opened(engine)
    with pytest.raises(ActionRefused, match=f"cannot {action} a case that is {state}"):
        act(engine, cid, action, T0 + HOUR, text="x", satisfaction=3)


def test_reopen_makes_a_secondary_complaint_important_and_restarts_clocks(database_url):
    engine = engine_for(database_url)
    cid = opened(engine)
    act(engine, cid, "resolve", T0 + HOUR, text="done")
    act(engine, cid, "reopen", T0 + 30 * HOUR, text="客户反映问题复发")
    with Session(engine) as s:
        case = s.get(Case, cid)
        assert (case.state, case.severity, case.secondary) == ("open", "important", True)
        rounds = s.exec(select(Clock.round).where(Clock.case_id == cid, Clock.name == "resolution")).all()
        reports = s.exec(select(Outbox).where(Outbox.kind == "leadership_report")).all()
    assert sorted(rounds) == [1, 2] and len(reports) == 1


def test_leadership_follows_every_step_of_a_major_complaint_and_the_result_of_an_important_one(database_url):
    engine = engine_for(database_url)
    major = opened(engine, severity="major", email="m@customer.test")
    important = opened(engine, severity="important", email="i@customer.test")
    for cid in (major, important):
        act(engine, cid, "reply", T0 + HOUR, text="已联系")
        act(engine, cid, "plan", T0 + 2 * HOUR, text="方案")
        act(engine, cid, "resolve", T0 + 3 * HOUR, text="已解决")
    with Session(engine) as s:
        updates = s.exec(select(Outbox).where(Outbox.kind == "leadership_update").order_by(Outbox.id)).all()
        resolved = s.exec(select(Outbox).where(Outbox.kind == "resolve")).all()
    assert [u.case_id for u in updates] == [major, major, major, important]
    assert len(resolved) == 2 and all("5 = 非常满意" in r.body for r in resolved)  # the satisfaction question
