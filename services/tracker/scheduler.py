"""Sleep until the earliest clock step is due, fire it, and sleep again: no periodic scan of all cases.

The earliest ``next_fire_at`` comes from an indexed ``MIN``, so waiting costs the same for ten open
cases as for a million. Whoever changes a clock in this process sets ``wake``, so an earlier
deadline is seen at once; a bounded nap (``MAX_NAP``) covers clocks created by another replica.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import structlog

from services.tracker.ladder import fire_due, next_fire_at

log = structlog.get_logger()
MAX_NAP = timedelta(seconds=30)


class Scheduler:
    def __init__(self, engine, ctx, clock, wake: asyncio.Event) -> None:
        self.engine, self.ctx, self.clock, self.wake = engine, ctx, clock, wake
        self.passes = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.wake.clear()
            nxt = await asyncio.to_thread(self.step)
            cap = self.clock.now() + MAX_NAP
            await self.sleep(min(nxt, cap) if nxt else cap, stop)

    def step(self):
        now = self.clock.now()
        fire_due(self.engine, now, self.ctx)
        self.passes += 1
        return next_fire_at(self.engine)

    async def sleep(self, until, stop: asyncio.Event) -> None:
        # Stopping must interrupt the nap too, so the wake event doubles as the stop signal.
        relay = asyncio.ensure_future(_relay(stop, self.wake))
        try:
            await self.clock.sleep_until(until, self.wake)
        finally:
            relay.cancel()


async def _relay(stop: asyncio.Event, wake: asyncio.Event) -> None:
    await stop.wait()
    wake.set()
