"""The Done-when check: the classifier's accuracy on the labeled corpus, measured by evaluate.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.classifier.evaluate import evaluate, format_report, read_messages, run

CORPUS = Path(__file__).resolve().parents[1] / "data" / "labeled" / "corpus.jsonl"


@pytest.fixture(scope="module")
def report():
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} is missing")
    messages = read_messages(str(CORPUS))
    return evaluate(messages, run(messages))


def test_kind_accuracy(report):
    assert report.accuracy("kind") >= 0.90, format_report(report, show_errors=True)


def test_category_accuracy(report):
    assert report.accuracy("category") >= 0.92, format_report(report, show_errors=True)


def test_severity_accuracy(report):
    assert report.accuracy("severity") >= 0.92, format_report(report, show_errors=True)


def test_major_recall(report):
    assert report.major_expected > 0
    assert report.major_recall == 1.0, format_report(report, show_errors=True)


def test_every_count_rule_sequence_is_right(report):
    results = report.sequence_results()
    assert results and all(results.values()), format_report(report)
