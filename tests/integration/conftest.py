import pytest

from shared.clock import ManualClock
from tests.conftest import T0
from tests.integration.harness import Pipeline, make_settings


@pytest.fixture
async def pipeline(tmp_path, nats_server, pymap_server, smtp_sink, database_url):
    """All three services on real NATS, pymap IMAP, aiosmtpd and SQLite (and PostgreSQL when configured)."""
    settings = make_settings(tmp_path, nats_server.url, pymap_server, smtp_sink, database_url)
    p = await Pipeline(settings, ManualClock(T0)).start()
    p.imap, p.sink, p.nats = pymap_server, smtp_sink, nats_server
    yield p
    await p.stop()


@pytest.fixture
async def mail_pipeline(tmp_path, nats_server, imap_server, smtp_sink):
    """The pipeline on each IMAP server we test against: pymap, and Dovecot where installed."""
    settings = make_settings(tmp_path, nats_server.url, imap_server, smtp_sink, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    p = await Pipeline(settings, ManualClock(T0)).start()
    p.imap, p.sink, p.nats = imap_server, smtp_sink, nats_server
    yield p
    await p.stop()
