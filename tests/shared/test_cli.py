import json

from shared.cli import main


def test_a_bad_setting_stops_the_service_with_its_name(monkeypatch, capsys):
    monkeypatch.setenv("COMPLAINTDESK_IMAP_PORT", "abc")
    assert main(["tracker"]) == 2
    assert "COMPLAINTDESK_IMAP_PORT" in capsys.readouterr().err


def test_classify_writes_one_label_line_per_message(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "m1", "channel": "email", "sender": "a@b.test", "phone": None,
                               "subject": "漏水", "body": "卫生间天花板漏水，请尽快维修。", "project": None,
                               "people": None, "sent_at": "2026-11-23T10:00:00+08:00"}, ensure_ascii=False) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["classify", str(src), "--out", str(out)]) == 0
    [line] = out.read_text().splitlines()
    label = json.loads(line)
    assert (label["id"], label["kind"], label["category"]) == ("m1", "complaint", "construction_quality")
    assert label["reasons"]


def test_settings_prints_the_table(capsys):
    assert main(["settings"]) == 0
    assert "COMPLAINTDESK_DATA_DIR" in capsys.readouterr().out
