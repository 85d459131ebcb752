"""Run the tracker: the JetStream consumers, the clock scheduler, the outbox sender and the case API."""

from __future__ import annotations

import asyncio
from pathlib import Path

import structlog
from fastapi import FastAPI
from sqlmodel import SQLModel

from services.tracker import models  # noqa: F401 - registers the tables
from services.tracker.api import router
from services.tracker.consumers import ClassifiedRunner, IntakeFailedRunner
from services.tracker.context import TrackerContext
from services.tracker.outbox import OutboxSender, SmtpConfig
from services.tracker.scheduler import Scheduler
from shared import bus
from shared.clock import SystemClock
from shared.db import create_engine
from shared.runtime import run_all, serve_http
from shared.settings import Settings

log = structlog.get_logger()


def create_tables(engine) -> None:
    tables = [t for name, t in SQLModel.metadata.tables.items() if name.startswith("tracker_")]
    SQLModel.metadata.create_all(engine, tables=tables)


def create_app(settings: Settings, engine, ctx, clock, wakes, sandbox_dir: Path | None = None, js=None) -> FastAPI:
    app = FastAPI(title="ComplaintDesk tracker", version="1", description="Cases, clocks and handler actions.")
    app.state.engine, app.state.ctx, app.state.clock, app.state.wakes = engine, ctx, clock, wakes
    app.state.tokens, app.state.js = settings.api_tokens, js
    app.include_router(router)
    if sandbox_dir is not None:
        from services.tracker.sandbox_api import sandbox_router
        app.state.sandbox_dir = sandbox_dir
        app.include_router(sandbox_router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict:
        return {"status": "ok"}

    return app


def smtp_config(settings: Settings) -> SmtpConfig:
    host = settings.smtp_host or "127.0.0.1"
    port = settings.smtp_port if settings.smtp_host else settings.sandbox_sink_port
    return SmtpConfig(host=host, port=port, starttls=settings.smtp_starttls, user=settings.smtp_user,
                      password=settings.smtp_password, mail_from=settings.mail_from,
                      claim_seconds=settings.outbox_claim_seconds)


async def serve(settings: Settings, stop: asyncio.Event, nats_url: str, clock=None, http: bool = True) -> None:
    clock = clock or SystemClock()
    engine = create_engine(settings.database_url("tracker"))
    create_tables(engine)
    ctx = TrackerContext.from_settings(settings)
    outbox_wake, scheduler_wake = asyncio.Event(), asyncio.Event()
    nc = await bus.connect(nats_url, "complaintdesk-tracker")
    try:
        js = nc.jetstream()
        await bus.ensure_stream(js)
        runners = [ClassifiedRunner(engine, ctx, clock, (outbox_wake, scheduler_wake)), IntakeFailedRunner(engine)]
        for runner in runners:
            runner.ack_wait = settings.ack_wait_seconds
        parts = [*(runner.run(js, stop) for runner in runners),
                 Scheduler(engine, ctx, clock, scheduler_wake).run(stop),
                 OutboxSender(engine, smtp_config(settings), clock, outbox_wake).run(stop)]
        if http:
            # `up` runs the sandbox sink into this folder; its mails are then readable through the API.
            sandbox_dir = settings.data_dir / "sandbox" / "sent"
            sandbox_dir = sandbox_dir if sandbox_dir.exists() else None
            app = create_app(settings, engine, ctx, clock, (outbox_wake, scheduler_wake), sandbox_dir, js)
            parts.append(serve_http(app, settings.http_host, settings.tracker_http_port, stop))
        log.info("tracker.started", port=settings.tracker_http_port, database=engine.dialect.name)
        await run_all(stop, *parts)
    finally:
        await bus.close(nc)
        engine.dispose()
