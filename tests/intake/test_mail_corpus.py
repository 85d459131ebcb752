"""Run parse_mail over every file of the shared mail corpus: each is parsed or cleanly rejected.

The corpus (681 real-world test mails from other projects: bounces, auto-replies,
broken MIME, CJK charsets) is described in its SOURCES.md. Its location comes
from COMPLAINTDESK_MAIL_CORPUS, by default the shared/mail-corpus folder beside
the repository. bench/mail_corpus.py prints the same figures in detail.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from services.intake.mailparse import MailParseError, ParsedMail, parse_mail

CORPUS = Path(
    os.environ.get("COMPLAINTDESK_MAIL_CORPUS", Path(__file__).parents[3] / "shared" / "mail-corpus")
)
# 53 of the 681 files are bare MIME entities from MIME-parser test suites (no From, Message-ID,
# Subject or Date) and 5 are no mail at all, so about 91.5 % parse; this leaves a little room.
MIN_PARSED_SHARE = 0.90
MIN_BOUNCE_SHARE = 0.90
# sisimai/set-of-emails: lhost-*, rhost-* and rfc3464-* are bounces, rfc3834-* are auto-replies.
BOUNCE = re.compile(r"^sisimai-set-of-emails/\w+__(lhost|rhost|rfc3464)-")
AUTO_REPLY = re.compile(r"^sisimai-set-of-emails/\w+__rfc3834-")

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"mail corpus not found at {CORPUS}; set COMPLAINTDESK_MAIL_CORPUS"
)

Result = ParsedMail | MailParseError | Exception


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    """Parse every corpus file once; keys are paths relative to the corpus."""
    outcome: dict[str, Result] = {}
    for path in sorted(CORPUS.glob("*/*")):
        name = path.relative_to(CORPUS).as_posix()
        try:
            outcome[name] = parse_mail(path.read_bytes())
        except Exception as error:  # Kept, so that the test below can name every offender.
            outcome[name] = error
    return outcome


def select(results: dict[str, Result], pattern: re.Pattern[str]) -> dict[str, Result]:
    """Return the results whose corpus path matches pattern, or skip if there are none."""
    chosen = {name: result for name, result in results.items() if pattern.search(name)}
    if not chosen:
        pytest.skip(f"no corpus files match {pattern.pattern}")
    return chosen


def test_every_manifest_file_is_tried(results: dict[str, Result]) -> None:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        pytest.skip("corpus has no MANIFEST.tsv")
    with manifest.open(encoding="utf-8", newline="") as rows:
        listed = {row["file"] for row in csv.DictReader(rows, delimiter="\t")}
    assert set(results) == listed


def test_every_mail_is_parsed_or_rejected_with_a_reason(results: dict[str, Result]) -> None:
    offenders = {
        name: repr(result)
        for name, result in results.items()
        if not isinstance(result, ParsedMail)
        and not (isinstance(result, MailParseError) and result.reason.strip())
    }
    assert not offenders


def test_no_rejection_hides_a_bug(results: dict[str, Result]) -> None:
    wrapped = {
        name: result.reason
        for name, result in results.items()
        if isinstance(result, MailParseError) and result.reason.startswith("unexpected")
    }
    assert not wrapped


def test_most_mails_parse(results: dict[str, Result]) -> None:
    parsed = sum(isinstance(result, ParsedMail) for result in results.values())
    assert parsed >= MIN_PARSED_SHARE * len(results), f"only {parsed} of {len(results)} parsed"


def test_known_bounces_are_detected(results: dict[str, Result]) -> None:
    bounces = select(results, BOUNCE)
    missed = [n for n, r in bounces.items() if not (isinstance(r, ParsedMail) and r.auto == "bounce")]
    assert len(missed) <= (1 - MIN_BOUNCE_SHARE) * len(bounces), missed


def test_known_auto_replies_are_detected(results: dict[str, Result]) -> None:
    replies = select(results, AUTO_REPLY)
    assert all(isinstance(r, ParsedMail) and r.auto == "auto_reply" for r in replies.values())


def test_sisimai_non_bounces_are_not_bounces(results: dict[str, Result]) -> None:
    ordinary = select(results, re.compile(r"^sisimai-set-of-emails/not__is-not-bounce-"))
    assert all(isinstance(r, ParsedMail) and r.auto is None for r in ordinary.values())


def test_chinese_charset_mails_decode(results: dict[str, Result]) -> None:
    chinese = select(results, re.compile(r"^mnako-letters/test_chinese_"))
    for name, result in chinese.items():
        assert isinstance(result, ParsedMail), name
        assert result.subject.endswith("Test 施氏食狮史"), name
        assert result.text.startswith("石室诗士施氏，嗜狮，誓食十狮。"), name
        assert result.language == "zh", name
