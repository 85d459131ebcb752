"""Run the three services in the test's event loop against real servers, and talk to them as users do.

The services are the production ``serve`` coroutines with production settings; only the tracker's
clock is a ``ManualClock`` so deadlines are reached by moving time, never by sleeping.
"""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from email.utils import make_msgid

import httpx

from services.classifier import service as classifier_service
from services.intake import service as intake_service
from services.tracker import service as tracker_service
from shared.clock import ManualClock
from shared.mailservers import deliver
from shared.natsserver import free_port
from shared.settings import load

AGENT = "agent-token-for-tests"
HANDLER = "handler-token-for-tests"


def make_settings(tmp_path, nats_url, imap, sink, database_url, **extra):
    return load(make_env(tmp_path, nats_url, imap, sink, database_url, **extra))


def make_env(tmp_path, nats_url, imap, sink, database_url, **extra) -> dict[str, str]:
    env = {
        "COMPLAINTDESK_DATA_DIR": str(tmp_path / "data"),
        "COMPLAINTDESK_NATS_URL": nats_url,
        "COMPLAINTDESK_DATABASE_URL": database_url,
        "COMPLAINTDESK_SMTP_HOST": "127.0.0.1",
        "COMPLAINTDESK_SMTP_PORT": str(sink.port),
        "COMPLAINTDESK_API_TOKENS": f"{AGENT}:agent,{HANDLER}:handler",
        "COMPLAINTDESK_INTAKE_HTTP_PORT": str(free_port()),
        "COMPLAINTDESK_TRACKER_HTTP_PORT": str(free_port()),
        "COMPLAINTDESK_IMAP_POLL_SECONDS": "0.5",
        "COMPLAINTDESK_LEADERSHIP_EMAILS": "ceo@company.test",
        "COMPLAINTDESK_LEAD_EMAILS": "lead@company.test",
    }
    if imap is not None:
        env.update({"COMPLAINTDESK_IMAP_HOST": "127.0.0.1", "COMPLAINTDESK_IMAP_PORT": str(imap.port),
                    "COMPLAINTDESK_IMAP_SSL": "false", "COMPLAINTDESK_IMAP_USER": imap.user,
                    "COMPLAINTDESK_IMAP_PASSWORD": imap.password})
    env.update({f"COMPLAINTDESK_{k.upper()}": str(v) for k, v in extra.items()})
    return env


class Pipeline:
    def __init__(self, settings, clock: ManualClock) -> None:
        self.settings, self.clock = settings, clock
        self.stops: dict[str, asyncio.Event] = {}
        self.tasks: dict[str, asyncio.Task] = {}

    async def start(self, *names: str) -> "Pipeline":
        for name in names or ("tracker", "classifier", "intake"):
            self.stops[name] = stop = asyncio.Event()
            url = self.settings.nats_url
            if name == "tracker":
                coro = tracker_service.serve(self.settings, stop, url, clock=self.clock)
            elif name == "classifier":
                coro = classifier_service.serve(self.settings, stop, url)
            else:
                coro = intake_service.serve(self.settings, stop, url)
            self.tasks[name] = asyncio.create_task(coro)
        await self._wait_http()
        return self

    async def _wait_http(self) -> None:
        for name, port in (("tracker", self.settings.tracker_http_port), ("intake", self.settings.intake_http_port)):
            if name not in self.tasks:
                continue
            for _ in range(200):
                if self.tasks[name].done():
                    self.tasks[name].result()
                try:
                    async with httpx.AsyncClient() as c:
                        await c.get(f"http://127.0.0.1:{port}/healthz")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)

    async def stop(self, *names: str) -> None:
        for name in names or list(self.tasks):
            self.stops[name].set()
        for name in names or list(self.tasks):
            await asyncio.wait_for(self.tasks.pop(name), 30)

    async def tracker(self, method: str, path: str, **kw) -> httpx.Response:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.settings.tracker_http_port}",
                                     headers={"Authorization": f"Bearer {HANDLER}"}, timeout=30) as c:
            return await c.request(method, path, **kw)

    async def phone_log(self, body: dict, key: str | None = None, token: str = AGENT) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        if key:
            headers["Idempotency-Key"] = key
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.settings.intake_http_port}", timeout=30) as c:
            return await c.post("/api/v1/phone-logs", json=body, headers=headers)

    async def cases(self, **params) -> list[dict]:
        r = await self.tracker("GET", "/api/v1/cases", params=params)
        r.raise_for_status()
        return r.json()

    async def case(self, number: str) -> dict:
        r = await self.tracker("GET", f"/api/v1/cases/{number}")
        r.raise_for_status()
        return r.json()


def mail(sender: str, subject: str, body: str, **headers) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "service@company.test", subject
    msg["Message-ID"] = headers.pop("message_id", None) or make_msgid(domain="customer.test")
    msg["Date"] = "Mon, 23 Nov 2026 09:00:00 +0800"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return bytes(msg)


def send_to_mailbox(imap, raw: bytes) -> None:
    deliver("127.0.0.1", imap.port, imap.user, imap.password, raw)


def phone_body(**overrides) -> dict:
    body = {"caller_name": "王先生", "phone": "13800138000", "project": "翠湖天地", "unit": "3栋2单元1502",
            "channel": "phone", "call_time": "2026-11-23T10:00:00+08:00", "agent": "agent-07",
            "notes": "客户来电反映卫生间天花板漏水，已经三天了，要求尽快派人维修。", "people": 1}
    body.update(overrides)
    return body
