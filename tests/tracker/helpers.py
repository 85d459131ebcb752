"""Build tracker inputs for tests: a context on the real Chinese calendar, and classified events."""

from __future__ import annotations

import itertools
from datetime import timedelta

from services.tracker.calendar import BusinessCalendar
from services.tracker.clocks import Policy
from services.tracker.context import TrackerContext
from services.tracker.service import create_tables
from shared.contracts import ComplaintClassified, ComplaintReceived, Labels
from shared.db import create_engine
from shared.settings import load
from tests.conftest import T0

_ids = itertools.count(1)


def context() -> TrackerContext:
    s = load({})
    return TrackerContext(policy=Policy.from_settings(s), calendar=BusinessCalendar.build("Asia/Shanghai", "CN"),
                          leadership=("ceo@company.test",), leads=("lead@company.test",), mail_from="service@company.test")


def engine_for(url: str):
    engine = create_engine(url)
    create_tables(engine)
    return engine


def event(*, kind="complaint", category="construction_quality", severity="general", email="c@customer.test",
          subject="漏水", body="卫生间漏水", message_id=None, in_reply_to=None, auto=None, raise_ids=(),
          source_id=None, at=T0) -> ComplaintClassified:
    n = next(_ids)
    complaint = ComplaintReceived(source_id=source_id or f"test:{n}", channel="email", received_at=at,
                                  sender_email=email, subject=subject, body=body, language="zh",
                                  message_id=message_id or f"m{n}@customer.test", in_reply_to=in_reply_to, auto=auto)
    labels = Labels(kind=kind, category=category, severity=severity, project="翠湖天地", ruleset_version="test",
                    raise_source_ids=tuple(raise_ids))
    return ComplaintClassified(complaint=complaint, labels=labels)


HOUR = timedelta(hours=1)
