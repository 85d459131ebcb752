import json

import structlog

from shared import logs


def test_personal_data_is_never_logged_in_clear(capsys):
    logs.configure("test", "info", "json")
    structlog.get_logger().info("mail.taken", sender="li.na@customer.test", name="王先生",
                                note="call 13800138000 or mail li.na@customer.test", case="CD-2026-000001")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    event = json.loads(line)
    assert "li.na@customer.test" not in line and "13800138000" not in line and "王先生" not in line
    assert event["sender"].startswith("anon:") and event["case"] == "CD-2026-000001"
    assert event["service"] == "test"
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


def test_pseudonym_is_stable_and_case_insensitive():
    assert logs.pseudonym("A@B.test") == logs.pseudonym("a@b.test ")
