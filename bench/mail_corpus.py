"""Run the mail parser over the shared mail corpus and print what it made of it (a benchmark, not a test).

Usage: python bench/mail_corpus.py [--corpus DIR] [--repeat N] [--list]

It parses every file of the corpus (default: $COMPLAINTDESK_MAIL_CORPUS, else shared/mail-corpus
beside the repository) with services.intake.mailparse.parse_mail and prints how many parsed, how
many were rejected (grouped by reason), how many were detected as auto-replies, bounces, lists or
bulk mail, the languages and defects seen, and the throughput in mails per second (the best of
--repeat passes, files read into memory first). --list also names every rejected file.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.intake.mailparse import MailParseError, ParsedMail, parse_mail  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "mail-corpus"


def load(corpus: Path) -> dict[str, bytes]:
    """Return every corpus message by its path relative to the corpus."""
    return {p.relative_to(corpus).as_posix(): p.read_bytes() for p in sorted(corpus.glob("*/*"))}


def parse_all(mails: dict[str, bytes]) -> dict[str, ParsedMail | MailParseError]:
    """Parse every mail; a MailParseError is kept as the result."""
    results: dict[str, ParsedMail | MailParseError] = {}
    for name, raw in mails.items():
        try:
            results[name] = parse_mail(raw)
        except MailParseError as error:
            results[name] = error
    return results


def best_pass(mails: dict[str, bytes], repeat: int) -> float:
    """Return the fastest time, in seconds, of repeat passes over all mails."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse_all(mails)
        timings.append(time.perf_counter() - start)
    return min(timings)


def show(title: str, counts: Counter[str], total: int) -> None:
    """Print a counter as an indented table, largest first."""
    print(f"{title}:")
    for key, count in counts.most_common():
        print(f"  {count:5d}  {100 * count / total:5.1f} %  {key}")


def reason_kind(reason: str) -> str:
    """Return reason without the quoted subject an out-of-office reason ends with."""
    return reason.split(" '", 1)[0]


def report(mails: dict[str, bytes], results: dict[str, ParsedMail | MailParseError], seconds: float,
           list_failures: bool) -> None:
    """Print the figures for one corpus run."""
    parsed = [r for r in results.values() if isinstance(r, ParsedMail)]
    failed = {name: r for name, r in results.items() if isinstance(r, MailParseError)}
    total, size = len(results), sum(len(raw) for raw in mails.values())
    print(f"corpus: {total} files, {size / 1e6:.1f} MB")
    print(f"parsed: {len(parsed)} ({100 * len(parsed) / total:.1f} %)")
    print(f"failed: {len(failed)} ({100 * len(failed) / total:.1f} %)")
    show("failures by reason", Counter(r.reason for r in failed.values()), total)
    if list_failures:
        for name, error in failed.items():
            print(f"  - {name}: {error.reason}")
    show("auto-detected (of parsed)", Counter(str(r.auto) for r in parsed), len(parsed))
    reasons = Counter(f"{r.auto}: {reason_kind(r.auto_reason or '')}" for r in parsed if r.auto)
    show("auto reasons", reasons, len(parsed))
    show("language", Counter(r.language for r in parsed), len(parsed))
    show("defects (mails with each)", Counter(d for r in parsed for d in set(r.defects)), len(parsed))
    print(f"with attachments: {sum(bool(r.attachments) for r in parsed)}, "
          f"with HTML: {sum(r.html is not None for r in parsed)}, "
          f"with empty text: {sum(not r.text for r in parsed)}")
    print(f"throughput: {total / seconds:,.0f} mails/s ({size / seconds / 1e6:.1f} MB/s, "
          f"{1000 * seconds / total:.2f} ms per mail, best pass {seconds:.2f} s)")


def main() -> None:
    """Parse the arguments, run the corpus and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path,
                        default=Path(os.environ.get("COMPLAINTDESK_MAIL_CORPUS", DEFAULT_CORPUS)))
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the best one counts")
    parser.add_argument("--list", action="store_true", help="name every rejected file")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"mail corpus not found at {args.corpus}; pass --corpus or set COMPLAINTDESK_MAIL_CORPUS")
    mails = load(args.corpus)
    results = parse_all(mails)
    report(mails, results, best_pass(mails, max(1, args.repeat)), args.list)


if __name__ == "__main__":
    main()
