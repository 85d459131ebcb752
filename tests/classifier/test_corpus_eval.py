"""The Done-when check: the classifier's accuracy on each labeled set, measured by evaluate.py.

The corpus was written with the rules and tunes them; holdout to holdout11 were written blind by
other authors, measured once, and then used for tuning the rules and for training the text model
(textmodel-2026.3), so they guard against regressions and must stay above the issue's targets.
Each set's README gives its blind figures and the figures after.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from services.classifier.evaluate import evaluate, format_report, read_messages, run

DATA = Path(__file__).resolve().parents[1] / "data"
SETS = {
    "corpus": DATA / "labeled" / "corpus.jsonl",
    "holdout": DATA / "holdout" / "holdout.jsonl",
    "holdout2": DATA / "holdout2" / "holdout2.jsonl",
    "holdout3": DATA / "holdout3" / "holdout3.jsonl",
    "holdout4": DATA / "holdout4" / "holdout4.jsonl",
    "holdout5": DATA / "holdout5" / "holdout5.jsonl",
    "holdout6": DATA / "holdout6" / "holdout6.jsonl",
    "holdout7": DATA / "holdout7" / "holdout7.jsonl",
    "holdout8": DATA / "holdout8" / "holdout8.jsonl",
    "holdout9": DATA / "holdout9" / "holdout9.jsonl",
    "holdout10": DATA / "holdout10" / "holdout10.jsonl",
    "holdout11": DATA / "holdout11" / "holdout11.jsonl",
}


@pytest.fixture(scope="module", params=sorted(SETS))
def report(request):
    path = SETS[request.param]
    assert path.exists(), f"{path} is missing"
    messages = read_messages(str(path))
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
