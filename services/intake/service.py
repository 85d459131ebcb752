"""Run the intake service: the mailbox runner and the phone-log API, publishing to JetStream."""

from __future__ import annotations

import asyncio
from pathlib import Path
from zoneinfo import ZoneInfo

import structlog
from fastapi import FastAPI
from fastapi.responses import FileResponse

from services.intake.mailbox import ImapConfig, MailboxRunner
from services.intake.phonebatch import router as batch_router
from services.intake.phonelogs import router
from services.intake.store import IntakeStore
from shared import bus
from shared.db import create_engine
from shared.runtime import run_all, serve_http
from shared.settings import Settings

log = structlog.get_logger()


def imap_config(settings: Settings) -> ImapConfig | None:
    if not settings.imap_host:
        return None
    return ImapConfig(host=settings.imap_host, port=settings.imap_port, ssl=settings.imap_ssl,
                      user=settings.imap_user, password=settings.imap_password,
                      mailbox=settings.imap_mailbox, processed=settings.imap_processed_folder,
                      failed=settings.imap_failed_folder, poll_seconds=settings.imap_poll_seconds,
                      idle_seconds=settings.imap_idle_seconds)


def create_app(settings: Settings, store: IntakeStore, js) -> FastAPI:
    app = FastAPI(title="ComplaintDesk intake", version="1",
                  description="Phone-log submissions from the call center.")
    app.state.store, app.state.js, app.state.tokens = store, js, settings.api_tokens
    app.state.tz = ZoneInfo(settings.timezone)
    app.include_router(batch_router)
    app.include_router(router)

    @app.get("/phone-log", include_in_schema=False)
    async def phone_log_form() -> FileResponse:
        """The agents' web form; it posts to the JSON API with the agent's own token."""
        return FileResponse(Path(__file__).parent / "static" / "phone-log.html")

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict:
        return {"status": "ok", "nats": js._nc.is_connected}

    return app


async def serve(settings: Settings, stop: asyncio.Event, nats_url: str) -> None:
    nc = await bus.connect(nats_url, "complaintdesk-intake")
    try:
        js = nc.jetstream()
        await bus.ensure_stream(js)
        store = IntakeStore(create_engine(settings.database_url("intake")))
        parts = [serve_http(create_app(settings, store, js), settings.http_host, settings.intake_http_port, stop)]
        config = imap_config(settings)
        if config:
            parts.append(MailboxRunner(config, store, js).run(stop))
        log.info("intake.started", mailbox=bool(config), port=settings.intake_http_port)
        await run_all(stop, *parts)
    finally:
        await bus.close(nc)
