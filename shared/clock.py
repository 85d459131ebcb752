"""Tell the time through one injectable object, so time-dependent behaviour is tested without sleeping.

The system clock sleeps for real; ``ManualClock`` only moves when a test calls ``advance`` and wakes
every sleeper whose time has come.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    async def sleep_until(self, when: datetime | None, wake: asyncio.Event) -> None:
        """Return at ``when`` or as soon as ``wake`` is set, whichever comes first."""
        timeout = None if when is None else max(0.0, (when - self.now()).total_seconds())
        try:
            await asyncio.wait_for(wake.wait(), timeout)
        except asyncio.TimeoutError:
            pass


class ManualClock:
    """A clock for tests: time stands still until ``advance`` or ``set`` moves it."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._moved = asyncio.Event()

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when
        self._moved.set()
        self._moved = asyncio.Event()

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)

    async def sleep_until(self, when: datetime | None, wake: asyncio.Event) -> None:
        while when is None or self._now < when:
            moved = asyncio.ensure_future(self._moved.wait())
            woken = asyncio.ensure_future(wake.wait())
            done, pending = await asyncio.wait({moved, woken}, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            if woken in done:
                return


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
