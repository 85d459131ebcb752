"""The IMAP server goes away and comes back: intake reconnects, catches up, and logs the outage once."""

from __future__ import annotations

import asyncio

from shared.clock import ManualClock
from shared.mailservers import PymapServer
from tests.conftest import T0, eventually
from tests.integration.harness import Pipeline, mail, make_settings, send_to_mailbox


async def test_intake_survives_an_imap_outage_and_catches_up(tmp_path, nats_server, smtp_sink, capsys):
    imap = PymapServer(tmp_path / "imap").start()
    settings = make_settings(tmp_path, nats_server.url, imap, smtp_sink, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    p = await Pipeline(settings, ManualClock(T0)).start()
    try:
        send_to_mailbox(imap, mail("before@customer.test", "电梯坏了", "3号楼电梯坏了两天了。"))
        await eventually(lambda: [m for m in smtp_sink.messages if "before@" in str(m["To"])])
        imap.stop()
        await asyncio.sleep(3)  # real outage time, so several reconnect attempts fail in between
        imap = PymapServer(tmp_path / "imap", port=imap.port).start()
        send_to_mailbox(imap, mail("after@customer.test", "物业费", "物业费为什么涨了？"))
        await eventually(lambda: [m for m in smtp_sink.messages if "after@" in str(m["To"])], timeout=60)
    finally:
        await p.stop()
        imap.stop()
    out = capsys.readouterr()
    text = out.out + out.err
    assert text.count("imap.outage") == 1 and text.count("imap.recovered") == 1
    assert len(smtp_sink.messages) == 2
