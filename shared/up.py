"""Run the whole system from one command: embedded NATS, the mail sandbox, and the three services.

Each service is its own child process, as in the containers; ``up`` supervises them (a child that
dies is restarted) and stops everything in order on Ctrl-C or SIGTERM. All data lives under
DATA_DIR, so a second ``up`` resumes where the first stopped.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import structlog

from shared.mailservers import PymapServer, SmtpInbox, SmtpSink
from shared.natsserver import NatsServer
from shared.settings import PREFIX, Settings

log = structlog.get_logger()
SERVICES = ("tracker", "classifier", "intake")


def api_token(data_dir: Path) -> str:
    """The local admin token, created once and kept in DATA_DIR/api-token (readable by the owner only)."""
    path = data_dir / "api-token"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(24) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


class Supervisor:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.children: dict[str, subprocess.Popen] = {}

    def spawn(self, name: str) -> None:
        self.children[name] = subprocess.Popen([sys.executable, "-m", "shared.cli", name], env=self.env)

    def watch(self) -> None:
        for name, child in list(self.children.items()):
            if child.poll() is not None:
                log.warning("service.exited", child=name, code=child.returncode)
                time.sleep(1)
                self.spawn(name)

    def stop(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.terminate()
        for child in self.children.values():
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()


def busy_ports(settings: Settings) -> list[str]:
    """The port settings whose port is already taken, so `up` can refuse at once and name them."""
    names = ["INTAKE_HTTP_PORT", "TRACKER_HTTP_PORT"]
    if settings.sandbox:
        names += ["SANDBOX_SMTP_PORT", "SANDBOX_IMAP_PORT", "SANDBOX_SINK_PORT"]
    busy = []
    for name in names:
        port = getattr(settings, name.lower())
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((settings.http_host if "HTTP" in name else "127.0.0.1", port))
            except OSError:
                busy.append(f"{PREFIX}{name}: port {port} is already in use")
    return busy


def up(settings: Settings) -> int:
    busy = busy_ports(settings)
    if busy:
        print("cannot start:\n  " + "\n  ".join(busy), file=sys.stderr)
        return 2
    data = settings.data_dir
    data.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    started: list = []
    if not settings.nats_url:
        nats = NatsServer(data / "nats").start()
        started.append(nats)
        env[PREFIX + "NATS_URL"] = nats.url
    if not settings.api_tokens:
        env[PREFIX + "API_TOKENS"] = api_token(data) + ":admin"
    if settings.sandbox:
        started += _sandbox(settings, env)
    supervisor = Supervisor(env)
    stopping = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stopping.update(now=True))
    try:
        for name in SERVICES:
            supervisor.spawn(name)
        _banner(settings, env)
        while not stopping["now"]:
            time.sleep(0.5)
            supervisor.watch()
    except KeyboardInterrupt:
        pass
    finally:
        log.info("up.stopping")
        supervisor.stop()
        for part in reversed(started):
            part.stop()
    return 0


def _sandbox(settings: Settings, env: dict[str, str]) -> list:
    box = settings.data_dir / "sandbox"
    (box / "imap").mkdir(parents=True, exist_ok=True)
    imap = PymapServer(box / "imap", port=settings.sandbox_imap_port).start()
    inbox = SmtpInbox(imap, port=settings.sandbox_smtp_port).start()
    sink = SmtpSink(box / "sent", port=settings.sandbox_sink_port).start()
    env.update({PREFIX + "IMAP_HOST": "127.0.0.1", PREFIX + "IMAP_PORT": str(imap.port),
                PREFIX + "IMAP_SSL": "false", PREFIX + "IMAP_USER": imap.user, PREFIX + "IMAP_PASSWORD": imap.password,
                PREFIX + "SMTP_HOST": "127.0.0.1", PREFIX + "SMTP_PORT": str(sink.port)})
    return [imap, inbox, sink]


def _banner(settings: Settings, env: dict[str, str]) -> None:
    lines = [
        "ComplaintDesk is up.",
        f"  case API     http://{settings.http_host}:{settings.tracker_http_port}/docs",
        f"  phone logs   http://{settings.http_host}:{settings.intake_http_port}/docs",
        f"  NATS         {env[PREFIX + 'NATS_URL']}",
        f"  data         {settings.data_dir}",
    ]
    if settings.sandbox:
        lines += [f"  send mail to the service mailbox: SMTP 127.0.0.1:{settings.sandbox_smtp_port}",
                  f"  mails we sent: {settings.data_dir / 'sandbox' / 'sent'} and GET /api/v1/sandbox/mails"]
    if not settings.api_tokens:
        lines.append(f"  API token    in {settings.data_dir / 'api-token'}")
    lines.append("Ctrl-C stops everything.")
    print("\n".join(lines), file=sys.stderr, flush=True)
