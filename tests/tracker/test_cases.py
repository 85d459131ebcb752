"""Applying classified complaints to a real database: open, thread, reopen, raise, idempotence."""

from sqlmodel import Session, select

from services.tracker.cases import apply_classified
from services.tracker.models import Action, Case, CaseMessage, Clock, Outbox
from tests.conftest import T0
from tests.tracker.helpers import HOUR, context, engine_for, event

CTX = context()


def apply(engine, ev, now=T0):
    with Session(engine) as s:
        case = apply_classified(s, ev, now, CTX)
        s.commit()
        return case.number if case else None


def outbox(engine, kind=None):
    with Session(engine) as s:
        rows = s.exec(select(Outbox)).all()
        return [r for r in rows if kind is None or r.kind == kind]


def test_new_complaint_opens_a_numbered_case_with_clocks_and_an_acknowledgement(database_url):
    engine = engine_for(database_url)
    number = apply(engine, event())
    assert number == "CD-2026-000001"
    with Session(engine) as s:
        case = s.exec(select(Case)).one()
        assert {c.name for c in s.exec(select(Clock)).all()} == {"first_reply", "resolution"}
        assert case.state == "open"
    [ack] = outbox(engine, "acknowledgement")
    assert ack.recipients == ["c@customer.test"] and number in ack.subject and ack.auto_submitted == "auto-replied"


def test_the_same_complaint_applied_twice_changes_nothing(database_url):
    engine = engine_for(database_url)
    ev = event()
    apply(engine, ev)
    assert apply(engine, ev) is None
    with Session(engine) as s:
        assert len(s.exec(select(Case)).all()) == 1 and len(s.exec(select(CaseMessage)).all()) == 1
    assert len(outbox(engine)) == 1


def test_reply_by_message_id_threads_and_a_reply_after_resolution_reopens_as_secondary(database_url):
    engine = engine_for(database_url)
    number = apply(engine, event())
    [ack] = outbox(engine, "acknowledgement")
    apply(engine, event(in_reply_to=ack.message_id, body="补充"), T0 + HOUR)
    with Session(engine) as s:
        case = s.exec(select(Case)).one()
        assert len(s.exec(select(CaseMessage).where(CaseMessage.case_id == case.id)).all()) == 2
        case.state = "resolved"
        s.add(case)
        s.commit()
    apply(engine, event(subject=f"Re: {number} 又漏了", body="修好没几天又漏了"), T0 + 50 * HOUR)
    with Session(engine) as s:
        case = s.exec(select(Case)).one()
        assert (case.state, case.severity, case.secondary, case.reopens) == ("open", "important", True, 1)
        assert [a.action for a in s.exec(select(Action)).all()].count("reopened") == 1
    assert len(outbox(engine, "leadership_report")) == 1


def test_auto_reply_opens_no_case_and_sends_nothing(database_url):
    engine = engine_for(database_url)
    assert apply(engine, event(auto="auto_reply")) is None
    with Session(engine) as s:
        assert s.exec(select(Case)).all() == [] and len(s.exec(select(CaseMessage)).all()) == 1
    assert outbox(engine) == []


def test_major_is_reported_at_once_and_count_rule_raises_open_cluster(database_url):
    engine = engine_for(database_url)
    apply(engine, event(severity="major", email="a@x.test"))
    assert len(outbox(engine, "leadership_report")) == 1
    first, second = event(email="b@x.test"), event(email="c@x.test")
    apply(engine, first)
    apply(engine, second)
    apply(engine, event(email="d@x.test", severity="important",
                        raise_ids=(first.complaint.source_id, second.complaint.source_id)))
    with Session(engine) as s:
        sev = [c.severity for c in s.exec(select(Case).order_by(Case.id)).all()]
        kept = s.exec(select(Clock.name, Clock.state, Clock.due_at, Clock.stopped_at)
                      .where(Clock.name.like("leadership%")).order_by(Clock.id)).all()
    assert sev == ["major", "important", "important", "important"]
    assert [(name, state) for name, state, _, _ in kept] == [("leadership_major", "met")] + [("leadership_important", "met")] * 3
    assert all(stopped <= due for _, _, due, stopped in kept)
    assert len(outbox(engine, "leadership_report")) == 4
