"""All 681 corpus mails through the real intake: each is taken (published) or kept as failed with a reason.

The mails are appended to a real IMAP server; intake (with real NATS) empties the inbox. Afterwards
the inbox is empty, every mail sits in the processed or the failed folder, and JetStream holds one
received message or one intake-failed report per mail.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import nats
import pytest

from shared import subjects
from shared.clock import ManualClock
from tests.conftest import T0, eventually
from tests.dovecot import DovecotServer, dovecot_available
from tests.integration.harness import Pipeline, make_settings

CORPUS = Path(os.environ.get("COMPLAINTDESK_MAIL_CORPUS", Path(__file__).parents[3] / "shared" / "mail-corpus"))
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"mail corpus not found at {CORPUS}")


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in {"MANIFEST.tsv", "SOURCES.md"})


def append_all(imap, files) -> int:
    client = imap.client()
    appended = 0
    for path in files:
        client.append("INBOX", path.read_bytes())
        appended += 1
    client.logout()
    return appended


def folder_sizes(imap, *folders) -> list[int]:
    client = imap.client()
    sizes = [client.folder_status(f, ["MESSAGES"])[b"MESSAGES"] for f in folders]
    client.logout()
    return sizes


async def stream_counts(url: str) -> tuple[int, int]:
    nc = await nats.connect(url)
    js = nc.jetstream()
    got = []
    for subject in (subjects.RECEIVED, subjects.INTAKE_FAILED):
        info = await js.stream_info(subjects.STREAM, subjects_filter=subject)
        got.append(sum((info.state.subjects or {}).values()))
    await nc.close()
    return tuple(got)


@pytest.fixture
def dovecot():
    # pymap's maildir backend rescans the folder on every command, which makes 681 mails take
    # minutes; Dovecot indexes its mailboxes, so this test runs where CI installs it.
    if not dovecot_available():
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
    server = DovecotServer().start()
    yield server
    server.stop()


@pytest.mark.dovecot
async def test_every_corpus_mail_is_taken_or_kept_as_failed(tmp_path, nats_server, dovecot, smtp_sink):
    files = corpus_files()
    assert len(files) == 681
    appended = await asyncio.to_thread(append_all, dovecot, files)
    settings = make_settings(tmp_path, nats_server.url, dovecot, smtp_sink, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    p = await Pipeline(settings, ManualClock(T0)).start("intake")
    try:
        def drained():
            inbox, done, failed = folder_sizes(dovecot, "INBOX", settings.imap_processed_folder, settings.imap_failed_folder)
            return (done, failed) if inbox == 0 and done + failed == appended else None
        done, failed = await eventually(lambda: asyncio.to_thread(drained), timeout=600, interval=1)
    finally:
        await p.stop()
    received, reported = await stream_counts(nats_server.url)
    print(f"corpus through intake: {appended} appended, {done} taken, {failed} kept as failed")
    assert (received, reported) == (done, failed)
    assert done >= 0.9 * appended and failed > 0
