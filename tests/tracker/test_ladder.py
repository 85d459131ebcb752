"""Clock steps fire on the real Chinese calendar: nothing during the National Day holiday, on time after it."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from services.tracker.cases import apply_classified
from services.tracker.ladder import fire_due, next_fire_at
from services.tracker.models import Clock, ClockEvent, Outbox
from tests.tracker.helpers import context, engine_for, event

CTX = context()
SH = ZoneInfo("Asia/Shanghai")


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(timezone.utc)


def steps(engine, name):
    with Session(engine) as s:
        clock = s.exec(select(Clock).where(Clock.name == name)).one()
        return [e.kind for e in s.exec(select(ClockEvent).where(ClockEvent.clock_id == clock.id).order_by(ClockEvent.id)).all()]


def test_resolution_ladder_sleeps_through_national_day_and_fires_after_it(database_url):
    engine = engine_for(database_url)
    opened = sh(2026, 9, 30, 10)  # Wednesday before the 1–7 October holiday
    with Session(engine) as s:
        apply_classified(s, event(at=opened), opened, CTX)
        s.commit()
    # 38.4 working hours (80 % of two working days): 14 h on 30 Sept, 24 h on 8 Oct, 0.4 h on 9 Oct.
    fire_due(engine, sh(2026, 10, 7, 23, 59), CTX)
    assert steps(engine, "resolution") == ["started"]
    fire_due(engine, sh(2026, 10, 9, 0, 23), CTX)
    assert steps(engine, "resolution") == ["started"]
    fire_due(engine, sh(2026, 10, 9, 0, 25), CTX)
    assert steps(engine, "resolution") == ["started", "warning"]
    fire_due(engine, sh(2026, 10, 9, 10, 0), CTX)  # due: 9 October 10:00
    assert steps(engine, "resolution") == ["started", "warning", "breach"]
    assert next_fire_at(engine) == sh(2026, 10, 9, 14, 0)  # leadership four hours later
    fire_due(engine, sh(2026, 10, 9, 14, 0), CTX)
    assert steps(engine, "resolution") == ["started", "warning", "breach", "leadership"]
    with Session(engine) as s:
        kinds = [o.kind for o in s.exec(select(Outbox).where(Outbox.kind.like("escalation%"))).all()]
    # The 24-hour first-reply clock counts calendar hours, so it escalated during the holiday.
    assert sorted(kinds) == sorted(["escalation_warning", "escalation_breach", "escalation_leadership"] * 2)
    assert steps(engine, "first_reply") == ["started", "warning", "breach", "leadership"]
