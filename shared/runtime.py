"""Run a service's coroutines side by side until asked to stop, and serve its HTTP app in the same loop.

Signal handling belongs to the process entry point (``shared.cli``); here uvicorn is told not to
install its own handlers, so one Ctrl-C stops every part of a service in order.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Awaitable

import structlog
import uvicorn

log = structlog.get_logger()


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self):
        yield


async def serve_http(app, host: str, port: int, stop: asyncio.Event) -> None:
    config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, lifespan="off")
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    await asyncio.wait({task, asyncio.create_task(stop.wait())}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    await task


async def run_all(stop: asyncio.Event, *parts: Awaitable) -> None:
    """Run the parts; if one fails, stop the others and raise its error."""
    tasks = [asyncio.ensure_future(p) for p in parts]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            if task.exception() is not None:
                stop.set()
                raise task.exception()
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
