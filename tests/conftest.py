"""Fixtures that start real servers on free ports: nats-server, pymap (or Dovecot) IMAP, aiosmtpd, databases.

Nothing here is a mock. The default run needs no service of the machine; PostgreSQL joins when
COMPLAINTDESK_TEST_DATABASE_URL is set (each test then gets a database of its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import uuid
from datetime import datetime, timezone

import pytest

from shared.mailservers import PymapServer, SmtpSink
from shared.natsserver import NatsServer
from tests.dovecot import DovecotServer, dovecot_available

PG_URL = os.environ.get("COMPLAINTDESK_TEST_DATABASE_URL", "")


@pytest.fixture
def nats_server(tmp_path):
    server = NatsServer(tmp_path / "nats").start()
    yield server
    server.stop()


@pytest.fixture(params=["pymap", pytest.param("dovecot", marks=pytest.mark.dovecot)])
def imap_server(request, tmp_path):
    if request.param == "dovecot":
        if not dovecot_available():
            pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
        server = DovecotServer().start()
    else:
        server = PymapServer(tmp_path / "imap").start()
    yield server
    server.stop()


@pytest.fixture
def pymap_server(tmp_path):
    server = PymapServer(tmp_path / "imap").start()
    yield server
    server.stop()


@pytest.fixture
def smtp_sink(tmp_path):
    sink = SmtpSink(tmp_path / "sent").start()
    yield sink
    sink.stop()


@contextlib.contextmanager
def fresh_postgres():
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    import sqlalchemy

    name = "cd_" + uuid.uuid4().hex[:12]
    admin = sqlalchemy.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A fresh database: a SQLite file, or (when configured) a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    if not PG_URL:
        pytest.skip("COMPLAINTDESK_TEST_DATABASE_URL is not set")
    with fresh_postgres() as url:
        yield url


@pytest.fixture
def postgres_url():
    if not PG_URL:
        pytest.skip("COMPLAINTDESK_TEST_DATABASE_URL is not set")
    with fresh_postgres() as url:
        yield url


async def eventually(check, timeout: float = 20.0, interval: float = 0.05):
    """Wait for an asynchronous pipeline to produce a result; fail with the last value if it never does."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")


# A Monday morning in Shanghai, outside any holiday, so calendar arithmetic in tests is readable.
T0 = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
