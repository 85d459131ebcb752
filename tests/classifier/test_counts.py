"""Tests of the count store: the 3-complainant rule, idempotence, persistence and races (SQLite file, PostgreSQL)."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from services.classifier.counts import CountStore, events, hash_identity, identity_of, make_engine

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def record(store: CountStore, cid: str, who: str, days: float = 0, project: str = "P", category: str = "construction_quality", kind: str = "complaint"):
    return store.record(complaint_id=cid, identity=who, project=project, category=category, kind=kind, at=T0 + timedelta(days=days))


def test_identity_normalization():
    assert identity_of("Zhang San <Zhang.San@Example.COM>", None) == "mail:zhang.san@example.com"
    assert identity_of(None, "+86 138-0013-8000") == identity_of(None, "0086 13800138000") == "tel:13800138000"
    assert identity_of("", "8613800138000") == "tel:13800138000"
    assert identity_of("not an address", "") is None


def test_third_different_complainant_counts_and_names_earlier_ones(database_url):
    store = CountStore(make_engine(database_url))
    assert record(store, "a", "mail:a@x").distinct == 1
    assert record(store, "b", "mail:b@x", 3).distinct == 2
    result = record(store, "c", "tel:139", 10)
    assert result.distinct == 3 and result.earlier_ids == ("a", "b") and result.window_days == 30


def test_same_person_three_times_does_not_count(database_url):
    store = CountStore(make_engine(database_url))
    for i in range(3):
        result = record(store, f"a{i}", "mail:a@x", i)
    assert result.distinct == 1 and result.earlier_ids == ()


def test_complaints_more_than_30_days_apart_do_not_count(database_url):
    store = CountStore(make_engine(database_url))
    record(store, "a", "mail:a@x", 0)
    record(store, "b", "mail:b@x", 20)
    assert record(store, "c", "mail:c@x", 31).distinct == 2
    assert record(store, "d", "mail:d@x", 40).distinct == 3


def test_other_projects_categories_and_kinds_do_not_count(database_url):
    store = CountStore(make_engine(database_url))
    record(store, "a", "mail:a@x")
    record(store, "b", "mail:b@x", project="Q")
    record(store, "c", "mail:c@x", category="sales")
    assert record(store, "d", "mail:d@x", kind="inquiry") is None
    assert record(store, "e", "mail:e@x").distinct == 2
    assert record(store, "f", None) is None
    assert store.record(complaint_id="g", identity="mail:g@x", project=None, category="sales", kind="complaint", at=T0) is None


def test_redelivery_is_idempotent(database_url):
    store = CountStore(make_engine(database_url))
    record(store, "a", "mail:a@x")
    record(store, "b", "mail:b@x")
    first = record(store, "c", "mail:c@x")
    assert record(store, "c", "mail:c@x") == first
    assert record(store, "b", "mail:b@x").distinct == 2
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(events)).scalar() == 3


def test_counts_survive_a_restart_and_store_only_hashes(database_url):
    store = CountStore(make_engine(database_url))
    record(store, "a", "mail:a@x")
    record(store, "b", "tel:13800138000")
    store.engine.dispose()
    again = CountStore(make_engine(database_url))
    assert record(again, "c", "mail:c@x").distinct == 3
    with again.engine.connect() as conn:
        stored = [row.identity_hash for row in conn.execute(sa.select(events.c.identity_hash))]
    assert hash_identity("tel:13800138000") in stored
    assert not any("@" in value or "138001" in value for value in stored)


def _race(url: str, start: threading.Barrier | None, cid: str, who: str, results) -> None:
    store = CountStore(make_engine(url))
    if start is not None:
        start.wait()
    results.append(record(store, cid, who).distinct)
    store.engine.dispose()


def test_threads_see_the_third_complainant_exactly_once(database_url):
    CountStore(make_engine(database_url))
    results: list[int] = []
    start = threading.Barrier(8)
    threads = [threading.Thread(target=_race, args=(database_url, start, f"c{i}", f"mail:{i}@x", results)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == list(range(1, 9))
    assert results.count(3) == 1


def _process(url: str, cids: list[str], queue) -> None:
    store = CountStore(make_engine(url))
    for cid in cids:
        queue.put(record(store, cid, f"mail:{cid}@x").distinct)
    store.engine.dispose()


def test_two_processes_see_the_third_complainant_exactly_once(database_url):
    CountStore(make_engine(database_url)).engine.dispose()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_process, args=(database_url, [f"{side}{i}" for i in range(6)], queue)) for side in "xy"]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=60) for _ in range(12)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert sorted(results) == list(range(1, 13))
    assert results.count(3) == 1


def test_forget_before(database_url):
    store = CountStore(make_engine(database_url))
    record(store, "a", "mail:a@x", 0)
    record(store, "b", "mail:b@x", 40)
    assert store.forget_before(T0 + timedelta(days=10)) == 1


def test_only_the_crossing_complaint_lists_the_earlier_ones(database_url):
    store = CountStore(make_engine(database_url))
    record(store, "a", "mail:a@x", 0)
    record(store, "b", "mail:b@x", 1)
    assert record(store, "c", "mail:c@x", 2).earlier_ids == ("a", "b")
    fourth = record(store, "d", "mail:d@x", 3)
    assert fourth.distinct == 4 and fourth.earlier_ids == ()
    # Much later the window holds only new complainants; the next crossing names its own earlier ones.
    record(store, "e", "mail:e@x", 60)
    record(store, "f", "mail:f@x", 61)
    assert record(store, "g", "mail:g@x", 62).earlier_ids == ("e", "f")


def test_naive_and_aware_times_agree(database_url):
    store = CountStore(make_engine(database_url))
    store.record(complaint_id="a", identity="mail:a@x", project="P", category="sales", kind="complaint", at=datetime(2024, 3, 1, 9, 0))
    aware = datetime(2024, 3, 1, 17, 0, tzinfo=timezone(timedelta(hours=8)))
    assert store.record(complaint_id="b", identity="mail:b@x", project="P", category="sales", kind="complaint", at=aware).distinct == 2
