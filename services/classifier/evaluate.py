"""Run the classifier over a JSONL file of messages, and measure it against expected labels.

``classify FILE.jsonl`` labels every line in order with the service's own code (classify_one) and
a fresh count store (in-memory SQLite unless --db is given) and writes one JSON line per message.
``evaluate FILE.jsonl`` does the same and prints accuracy and a confusion matrix per label, the
recall of major severity, and whether each count-rule sequence came out right.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TypeVar

import orjson

from .counts import CountStore, make_engine
from .engine import Classifier, Labels, classify_one
from .matcher import load_projects
from .ruleset import CATEGORIES, KINDS, RuleSource

T = TypeVar("T")
READ_BLOCK = 256  # messages per text-model call: numpy's per-call cost is paid once per block
BULK_GC_THRESHOLD = 100_000  # allocations between collections of the youngest generation in a bulk run (see labelled)
LABELS = {"kind": KINDS, "category": CATEGORIES, "severity": ("general", "important", "major")}


def _parser(prog: str, out: bool) -> argparse.ArgumentParser:
    """Build the argument parser shared by classify and evaluate."""
    parser = argparse.ArgumentParser(prog=f"complaintdesk {prog}")
    parser.add_argument("file", help="JSONL file: id, channel, sender, phone, subject, body, project, people, sent_at")
    if out:
        parser.add_argument("--out", help="output JSONL file (default: standard output)")
    parser.add_argument("--db", help="count store DB URL (default: a fresh in-memory SQLite)")
    parser.add_argument("--rules", help="rule file (default: the shipped rules)")
    parser.add_argument("--projects", help="project list (default: the shipped list)")
    return parser


def iter_messages(path: str) -> Iterator[dict]:
    """Read a JSONL file line by line, skipping blank lines; a bad line stops with its number."""
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{number}: not a JSON object: {exc}") from None


def read_messages(path: str) -> list[dict]:
    """Read a whole JSONL file, skipping blank lines."""
    return list(iter_messages(path))


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield lists of up to size items in order (itertools.batched arrives only in Python 3.12)."""
    iterator = iter(items)
    while block := list(islice(iterator, size)):
        yield block


def labelled(messages: Iterable[dict], db: str | None = None, rules: str | None = None, projects: str | None = None) -> Iterator[tuple[dict, Labels]]:
    """Label messages in order with a fresh classifier and count store; yield each message with its labels.

    The store records the run in batches (CountStore.batch): a bulk run needs no transaction per message.
    The text model reads a block of messages per call (Classifier.read); its opinion of a message
    does not depend on the others, so the labels are those of one message at a time.
    """
    classifier = Classifier(RuleSource(rules), load_projects(projects))
    store = CountStore(make_engine(db))
    # The rules, their automaton and the store live for the whole run: keep the collector from rescanning them.
    gc.freeze()
    # Each message makes many small objects (hits, reasons) and almost none outlive it in a cycle, so
    # the youngest generation is collected every BULK_GC_THRESHOLD allocations rather than every 700:
    # about 5% faster on 50,000 messages, for a few hundred kilobytes more memory.
    thresholds = gc.get_threshold()
    gc.set_threshold(BULK_GC_THRESHOLD, *thresholds[1:])
    try:
        with store.batch():
            for block in batched(messages, READ_BLOCK):
                readings = classifier.read([(message.get("subject") or "", message.get("body") or "") for message in block])
                for message, reading in zip(block, readings):
                    yield message, classify_one(classifier, store, message, reading)
    finally:
        gc.set_threshold(*thresholds)


def run(messages: list[dict], db: str | None = None, rules: str | None = None, projects: str | None = None) -> list[Labels]:
    """Label messages in order with a fresh classifier and count store; return all labels."""
    return [labels for _, labels in labelled(messages, db, rules, projects)]


def to_record(message: dict, labels: Labels) -> dict:
    """Return the output line of one message (reasons stay dataclasses: orjson writes them as objects)."""
    return {
        "id": message.get("id"), "kind": labels.kind, "category": labels.category, "severity": labels.severity,
        "reasons": labels.reasons, "people": labels.people, "project": labels.project, "secondary": labels.secondary,
        "warnings": labels.warnings, "raise_ids": labels.raise_ids, "ruleset_version": labels.ruleset_version,
    }


def classify_main(argv: list[str]) -> int:
    """complaintdesk classify FILE.jsonl [--out OUT] [--db URL] [--rules FILE] [--projects FILE]"""
    args = _parser("classify", out=True).parse_args(argv)
    out = open(args.out, "wb") if args.out else sys.stdout.buffer
    try:
        # One write per block of lines: a write call per line cost about 3 % of a bulk run.
        for block in batched(labelled(iter_messages(args.file), args.db, args.rules, args.projects), READ_BLOCK):
            out.write(b"".join([orjson.dumps(to_record(message, labels), option=orjson.OPT_APPEND_NEWLINE) for message, labels in block]))
    finally:
        if out is not sys.stdout.buffer:
            out.close()
        else:
            out.flush()
    return 0


@dataclass
class Report:
    """The evaluation of predicted against expected labels."""

    total: int = 0
    correct: Counter = field(default_factory=Counter)
    confusion: dict = field(default_factory=lambda: {name: Counter() for name in LABELS})
    major_expected: int = 0
    major_found: int = 0
    sequences: dict = field(default_factory=lambda: defaultdict(list))
    errors: list = field(default_factory=list)

    def accuracy(self, name: str) -> float:
        """Return the share of messages whose label name was right."""
        return self.correct[name] / self.total if self.total else 0.0

    @property
    def major_recall(self) -> float:
        """Return the share of expected-major messages labeled major (1.0 when there are none)."""
        return self.major_found / self.major_expected if self.major_expected else 1.0

    def sequence_results(self) -> dict[str, bool]:
        """Return, per sequence, whether every message in it got its expected severity."""
        return {name: all(results) for name, results in sorted(self.sequences.items())}


def evaluate(messages: list[dict], labels: list[Labels]) -> Report:
    """Compare labels with the expected kind, category and severity of each message."""
    report = Report()
    for message, label in zip(messages, labels):
        report.total += 1
        wrong = []
        for name in LABELS:
            expected, got = message.get(name), getattr(label, name)
            report.confusion[name][(expected, got)] += 1
            if expected == got:
                report.correct[name] += 1
            else:
                wrong.append(f"{name} {expected}→{got}")
        if message.get("severity") == "major":
            report.major_expected += 1
            report.major_found += label.severity == "major"
        if message.get("sequence"):
            report.sequences[str(message["sequence"])].append(message.get("severity") == label.severity)
        if wrong:
            report.errors.append((message.get("id"), wrong, label))
    return report


def _matrix(name: str, counts: Counter) -> list[str]:
    """Format one confusion matrix: rows expected, columns predicted."""
    values = list(LABELS[name]) + sorted({key for pair in counts for key in pair if key not in LABELS[name] and key is not None})
    width = max(len(value) for value in values) + 2
    header = "expected\\got"
    lines = [f"  {header:<{width}}" + "".join(f"{value[:width - 1]:>{width}}" for value in values)]
    for expected in values:
        row = "".join(f"{counts[(expected, got)]:>{width}}" for got in values)
        lines.append(f"  {expected:<{width}}" + row)
    return lines


def format_report(report: Report, show_errors: bool = False) -> str:
    """Return the printable evaluation report."""
    lines = [f"messages: {report.total}"]
    for name in LABELS:
        lines.append(f"{name} accuracy: {report.accuracy(name):.3f} ({report.correct[name]}/{report.total})")
    lines.append(f"major recall: {report.major_recall:.3f} ({report.major_found}/{report.major_expected})")
    results = report.sequence_results()
    right = sum(results.values())
    lines.append(f"count-rule sequences: {right}/{len(results)} right")
    lines += [f"  {name}: {'right' if ok else 'WRONG'}" for name, ok in results.items()]
    for name in LABELS:
        lines.append(f"confusion matrix: {name}")
        lines += _matrix(name, report.confusion[name])
    if show_errors:
        lines.append("errors:")
        for message_id, wrong, label in report.errors:
            lines.append(f"  {message_id}: {'; '.join(wrong)}")
    return "\n".join(lines)


def evaluate_main(argv: list[str]) -> int:
    """complaintdesk evaluate FILE.jsonl [--db URL] [--rules FILE] [--projects FILE] [--errors]"""
    parser = _parser("evaluate", out=False)
    parser.add_argument("--errors", action="store_true", help="also list every wrongly labeled message")
    args = parser.parse_args(argv)
    messages = read_messages(args.file)
    labels = run(messages, args.db, args.rules, args.projects)
    print(format_report(evaluate(messages, labels), args.errors))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run "classify" or "evaluate" (python -m services.classifier.evaluate COMMAND ...)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"classify": classify_main, "evaluate": evaluate_main}
    if not argv or argv[0] not in commands:
        print("usage: python -m services.classifier.evaluate {classify,evaluate} FILE.jsonl [options]", file=sys.stderr)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
