from datetime import datetime, timezone

from services.intake.store import IntakeStore, PhoneLogKey
from shared.db import create_engine


def test_checkpoint_advances_and_resets_when_uidvalidity_changes(database_url):
    store = IntakeStore(create_engine(database_url))
    assert store.checkpoint("box", 100) == 0
    store.advance("box", 100, 7)
    store.advance("box", 100, 5)  # never moves backwards
    assert store.checkpoint("box", 100) == 7
    # A new UIDVALIDITY means the server renumbered the mailbox: start again from the beginning.
    assert store.checkpoint("box", 200) == 0
    store.advance("box", 200, 2)
    assert store.checkpoint("box", 200) == 2 and store.checkpoint("box", 100) == 0


def test_phone_key_is_remembered_once(database_url):
    store = IntakeStore(create_engine(database_url))
    row = PhoneLogKey(key="k1", body_sha256="a" * 64, source_id="phone:1", created_at=datetime.now(timezone.utc))
    store.remember_phone_key(row)
    store.remember_phone_key(PhoneLogKey(key="k1", body_sha256="b" * 64, source_id="phone:2",
                                         created_at=datetime.now(timezone.utc)))
    kept = store.phone_key("k1")
    assert (kept.body_sha256, kept.source_id) == ("a" * 64, "phone:1")
    assert store.phone_key("unknown") is None
