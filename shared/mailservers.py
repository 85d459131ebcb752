"""Run the local mail servers: a pymap IMAP server, an SMTP door into its inbox, and an SMTP sink.

``complaintdesk up`` uses them as its mail sandbox when no real mailbox is configured, and the
tests use the very same classes, so what a user tries locally is what the tests exercise. aiosmtpd
is the SMTP server (design card); pymap (maildir backend) is the IMAP server because it is a pure
Python package any machine can install from PyPI.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from imapclient import IMAPClient

from shared.natsserver import free_port, stop_process, wait_for_port


class PymapServer:
    """A pymap IMAP server (maildir on disk) with one user, as a child process."""

    def __init__(self, base_dir: Path, user: str = "service", password: str = "service", port: int | None = None) -> None:
        self.base_dir, self.user, self.password = Path(base_dir), user, password
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def _write_user(self) -> None:
        from pymap.config import IMAPConfig

        home = self.base_dir / self.user
        for sub in ("cur", "new", "tmp"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        hashed = IMAPConfig._get_hash_context(None).hash(self.password)
        (self.base_dir / "pymap-etc-passwd").write_text(f"{self.user}:::::{home}:\n")
        (self.base_dir / "pymap-etc-shadow").write_text(f"{self.user}:{hashed}:::::::\n")

    def start(self) -> "PymapServer":
        self._write_user()
        log = open(self.base_dir / "pymap.log", "ab")
        pymap = Path(sys.executable).parent / "pymap"
        self.process = subprocess.Popen([str(pymap), "--host", "127.0.0.1", "--port", str(self.port), "--no-tls",
                                         "maildir", str(self.base_dir)], stdout=log, stderr=subprocess.STDOUT)
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        stop_process(self.process)

    def client(self) -> IMAPClient:
        c = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        c.login(self.user, self.password)
        return c


def deliver(host: str, port: int, user: str, password: str, raw: bytes, folder: str = "INBOX") -> None:
    """Put one raw mail into a mailbox with IMAP APPEND."""
    with IMAPClient(host, port=port, ssl=False, timeout=30) as c:
        c.login(user, password)
        c.append(folder, raw)


class _InboxHandler:
    def __init__(self, imap: tuple[str, int, str, str]) -> None:
        self.imap = imap

    async def handle_DATA(self, server, session, envelope):
        # The SMTP thread blocks on the append on purpose: "250 OK" only once the mail is stored.
        deliver(*self.imap, envelope.original_content or envelope.content)
        return "250 OK delivered to the service mailbox"


class _SinkHandler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        with self.lock:
            name = f"{time.time_ns()}-{len(self.messages):05d}.eml"
            (self.folder / name).write_bytes(raw)
            self.messages.append(message_from_bytes(raw, policy=policy.default))
        return "250 OK kept"


class SmtpInbox:
    """SMTP on loopback whose every mail lands in the IMAP service mailbox."""

    def __init__(self, imap: PymapServer, port: int | None = None) -> None:
        self.port = port or free_port()
        imap_args = ("127.0.0.1", imap.port, imap.user, imap.password)
        self.controller = Controller(_InboxHandler(imap_args), hostname="127.0.0.1", port=self.port)

    def start(self) -> "SmtpInbox":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


class SmtpSink:
    """SMTP on loopback that keeps every mail it receives, as .eml files and in memory."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.handler = _SinkHandler(self.folder)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list:
        with self.handler.lock:
            return list(self.handler.messages)

    def start(self) -> "SmtpSink":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

