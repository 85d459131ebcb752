"""Benchmark the clock scheduler with a large number of open cases: firing delay and memory.

Fills a fresh SQLite database with N open cases, each with a running first-reply clock. Most
deadlines lie in the coming weeks; M of them fall due during the next ~20 seconds. The real
Scheduler (system clock, no periodic scan) then runs; for every step that fired, the delay between
its due time and the end of the scheduler pass that committed it is measured. The process's peak RSS is sampled while
it waits and fires, to show that waiting costs nothing per open case.

Run: .venv/bin/python bench/clock_firing.py [N=1000000] [M=2000]
"""

from __future__ import annotations

import asyncio
import gc
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from services.tracker.models import Case, Clock, ClockEvent
from services.tracker.scheduler import Scheduler
from services.tracker.service import create_tables
from shared.clock import SystemClock
from shared.db import create_engine
from services.tracker.context import TrackerContext
from shared.settings import load


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _case(i: int, now: datetime) -> dict:
    return {"id": i + 1, "number": f"CD-2026-{i + 1:07d}", "state": "open", "kind": "complaint",
            "category": "construction_quality", "severity": "general", "channel": "email", "language": "zh",
            "subject": "漏水", "reasons": [], "warnings": [], "ruleset_version": "bench", "secondary": False,
            "reopens": 0, "created_at": now, "updated_at": now}


def _clock(i: int, m: int, now: datetime) -> dict:
    fire = now + (timedelta(seconds=2 + 18 * i / m) if i < m else timedelta(days=1 + (i % 20), seconds=i % 3600))
    return {"id": i + 1, "case_id": i + 1, "name": "first_reply", "round": 1, "state": "running",
            "working": False, "target_seconds": 86400.0, "started_at": now, "due_at": fire + timedelta(hours=5),
            "warn_at": fire, "next_level": "warning", "next_fire_at": fire}


def fill(engine, n: int, m: int, now: datetime) -> None:
    """Bulk-insert n cases and clocks in chunks; m warning steps fall due within 20 s of ``now``."""
    with engine.begin() as conn:
        for lo in range(0, n, 50_000):
            hi = min(n, lo + 50_000)
            conn.execute(Case.__table__.insert(), [_case(i, now) for i in range(lo, hi)])
            conn.execute(Clock.__table__.insert(), [_clock(i, m, now) for i in range(lo, hi)])


def due_soon(engine, m: int, start: datetime) -> None:
    """Move the first m steps to fall due between 2 and 20 s after ``start`` (filling takes a while)."""
    rows = [{"i": i + 1, "t": start + timedelta(seconds=2 + 18 * i / m)} for i in range(m)]
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE tracker_clock SET warn_at = :t, next_fire_at = :t WHERE id = :i"),
                     [{"i": r["i"], "t": r["t"].strftime("%Y-%m-%d %H:%M:%S.%f")} for r in rows])


class MeasuredScheduler(Scheduler):
    """The real scheduler, noting when each pass's fired steps were committed (the conservative end)."""

    completed: dict[int, datetime] = {}

    def step(self):
        nxt = super().step()
        done_at = datetime.now(timezone.utc)
        with Session(self.engine) as s:
            for clock_id in s.exec(select(ClockEvent.clock_id)).all():
                self.completed.setdefault(clock_id, done_at)
        return nxt


async def run(engine, m: int) -> list[float]:
    ctx, stop, wake = TrackerContext.from_settings(load({})), asyncio.Event(), asyncio.Event()
    scheduler = MeasuredScheduler(engine, ctx, SystemClock(), wake)
    task = asyncio.create_task(scheduler.run(stop))
    samples = []
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        await asyncio.sleep(1)
        samples.append(rss_mb())
        with Session(engine) as s:
            if len(s.exec(select(ClockEvent.id)).all()) >= m:
                break
    stop.set()
    wake.set()
    await task
    print(f"scheduler passes (wake-ups): {scheduler.passes}")
    return samples


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    db = Path(tempfile.mkdtemp(prefix="cd-clock-bench-")) / "tracker.sqlite3"
    engine = create_engine(f"sqlite:///{db}")
    create_tables(engine)
    t0 = time.perf_counter()
    now = datetime.now(timezone.utc)
    rss_before_fill = rss_mb()
    fill(engine, n, m, now)
    fill_time = time.perf_counter() - t0
    due_soon(engine, m, datetime.now(timezone.utc) + timedelta(seconds=5))
    gc.collect()
    print(f"filled {n:,} open cases with running clocks in {fill_time:.1f} s; RSS {rss_mb():.0f} MB "
          f"(before fill {rss_before_fill:.0f} MB)")
    samples = asyncio.run(run(engine, m))
    with Session(engine) as s:
        fires = {c.id: c.warn_at for c in s.exec(select(Clock).where(Clock.id <= m)).all()}
    delays = sorted((at - fires[cid]).total_seconds() for cid, at in MeasuredScheduler.completed.items() if cid in fires)
    print(f"fired {len(delays)} of {m} steps due in the window")
    if delays:
        print(f"firing delay: p50={statistics.median(delays) * 1000:.0f} ms "
              f"p99={delays[int(0.99 * (len(delays) - 1))] * 1000:.0f} ms max={delays[-1] * 1000:.0f} ms")
    print(f"RSS while waiting and firing, sampled each second: min {min(samples):.0f} MB, max {max(samples):.0f} MB")


if __name__ == "__main__":
    main()
