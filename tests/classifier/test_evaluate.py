"""Tests of the classify and evaluate commands on a small JSONL file."""

from __future__ import annotations

import json

from services.classifier.evaluate import classify_main, evaluate, evaluate_main, main, read_messages, run


def message(i: int, sender: str, body: str, **labels) -> dict:
    base = {"id": f"m{i}", "channel": "email", "sender": sender, "phone": None, "subject": "", "body": body,
            "project": None, "people": None, "sent_at": f"2026-01-0{i}T10:00:00+08:00"}
    return {**base, **labels}


LEAK = "我是翠湖天地5栋的业主，卫生间漏水，请尽快派人维修。"
MESSAGES = [
    message(1, "a@x.com", LEAK, kind="complaint", category="construction_quality", severity="general", sequence="s1"),
    message(2, "b@x.com", LEAK, kind="complaint", category="construction_quality", severity="general", sequence="s1"),
    message(3, "c@x.com", LEAK, kind="complaint", category="construction_quality", severity="important", sequence="s1"),
    message(4, "d@x.com", "请问物业费的收费标准是多少？", kind="inquiry", category="property_management", severity="general"),
    message(5, "e@x.com", "我们已经向法院起诉，法院已受理。", kind="complaint", category="other", severity="major"),
]


def write(tmp_path, messages) -> str:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(m, ensure_ascii=False) for m in messages) + "\n", encoding="utf-8")
    return str(path)


def test_classify_writes_one_line_per_message(tmp_path):
    out = tmp_path / "out.jsonl"
    assert classify_main([write(tmp_path, MESSAGES), "--out", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["m1", "m2", "m3", "m4", "m5"]
    assert {"id", "kind", "category", "severity", "reasons"} <= set(lines[0])
    assert [line["severity"] for line in lines] == ["general", "general", "important", "general", "major"]
    assert lines[2]["raise_ids"] == ["m1", "m2"]
    assert all(reason["rule"] for reason in lines[0]["reasons"])


def test_classify_uses_a_given_database(tmp_path):
    path = write(tmp_path, MESSAGES[:2])
    db = f"sqlite:///{tmp_path / 'c.db'}"
    classify_main([path, "--db", db, "--out", str(tmp_path / "o1")])
    classify_main([write(tmp_path, MESSAGES[2:3]), "--db", db, "--out", str(tmp_path / "o2")])
    assert json.loads((tmp_path / "o2").read_text())["severity"] == "important"


def test_evaluate_report(tmp_path, capsys):
    assert evaluate_main([write(tmp_path, MESSAGES), "--errors"]) == 0
    report = capsys.readouterr().out
    assert "kind accuracy: 1.000 (5/5)" in report
    assert "major recall: 1.000 (1/1)" in report
    assert "count-rule sequences: 1/1 right" in report
    assert "confusion matrix: severity" in report


def test_report_counts_wrong_sequences():
    wrong = [dict(m) for m in MESSAGES[:3]]
    wrong[2]["sender"] = "a@x.com"
    report = evaluate(wrong, run(wrong))
    assert report.sequence_results() == {"s1": False}
    assert report.accuracy("severity") < 1


def test_main_dispatch(tmp_path, capsys):
    assert main([]) == 2
    assert main(["evaluate", write(tmp_path, MESSAGES[:1])]) == 0
    assert read_messages(write(tmp_path, MESSAGES))[0]["id"] == "m1"
