"""Tests of rule-file loading, validation errors, phrase expansion and live reloading."""

import os
import time
from pathlib import Path

import pytest

from services.classifier.ruleset import DEFAULT_RULES, RuleError, RuleSource, expand, load_rules, make_terms

MINIMAL = '''version = "{version}"

[kinds.complaint]
[[kinds.complaint.terms]]
id = "k.c"
weight = 2
phrases = ["投诉"]

[kinds.inquiry]
[kinds.feedback]

[categories.construction_quality]
[[categories.construction_quality.terms]]
id = "c.q"
phrases = ["漏水", "leak*"]

[categories.sales]
[categories.property_management]
[categories.customer_service]
[categories.other]
'''


# A "past" severity rule must name the warning rule it completes; a secondary rule may require a context rule.
_LINKS = """[categories.other]

[[severity]]
id = "s.threat"
effect = "warning"
phrases = ["记者"]

[[severity]]
id = "s.past"
effect = "past"
{completes}
phrases = ["见报"]

[[secondary]]
id = "s.closed"
{requires}
phrases = ["was closed"]
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_default_rules_load():
    rules = load_rules()
    assert rules.version and rules.source == str(DEFAULT_RULES)
    targets = {term.target for term in rules.terms}
    assert {"kind:complaint", "kind:inquiry", "kind:feedback", "secondary", "exclude"} <= targets
    assert {"severity:major", "severity:warning", "modality:defer", "modality:negate"} <= targets
    assert {f"category:{name}" for name in rules.category_names} <= targets


def test_expand_alternatives():
    assert expand("又{漏,渗}了") == ["又漏了", "又渗了"]
    assert expand("{a,b}{c,d}") == ["ac", "ad", "bc", "bd"]


def test_phrases_are_normalized_and_prefix_marked(tmp_path):
    rules = load_rules(write(tmp_path / "r.toml", MINIMAL.format(version="v1").replace('"投诉"', '"投訴"')))
    phrases = {term.phrase: term.prefix for term in rules.terms}
    assert phrases == {"投诉": False, "漏水": False, "leak": True}


@pytest.mark.parametrize(
    "change,message",
    [
        (('version = "v1"', 'version = ""'), "version"),
        (('[kinds.inquiry]', '[kinds.question]'), "kinds.question: unknown name"),
        (('weight = 2', 'weight = "two"'), "kinds.complaint.terms[0].weight"),
        (('weight = 2', 'wieght = 2'), "kinds.complaint.terms[0].wieght: unknown key"),
        (('id = "c.q"', 'id = "k.c"'), "duplicate rule id 'k.c'"),
        (('phrases = ["漏水", "leak*"]', 'phrases = []'), "c.q"),
        (('phrases = ["漏水", "leak*"]', 'phrases = ["漏{水"]'), "unclosed"),
        (('[categories.other]\n', ''), "categories.other: missing"),
        (('weight = 2', 'weight = 2\ncap = -1'), "kinds.complaint.terms[0].cap"),
        (('weight = 2', 'weight = 2\nfeedback_weight = "x"'), "kinds.complaint.terms[0].feedback_weight"),
        (('weight = 2', 'weight = 2\nrole = "person"'), "kinds.complaint.terms[0].role: unknown key"),
        (('id = "c.q"', 'id = "c.q"\nrole = "staff"'), "categories.construction_quality.terms[0].role: rule 'c.q': role must be one of person, conduct"),
        (('phrases = ["漏水", "leak*"]', 'phrases = ["漏水", "leak*", "投诉"]\n[[categories.construction_quality.terms]]\nid = "c.q2"\nphrases = ["漏水"]'), "also in rule"),
        (("[categories.other]\n", _LINKS.format(completes="", requires="")), "severity[1].completes"),
        (("[categories.other]\n", _LINKS.format(completes='completes = "s.past"', requires="")), "severity[1].completes"),
        (("[categories.other]\n", _LINKS.format(completes='completes = ["s.threat", "s.past"]', requires="")), "severity[1].completes"),
        (("[categories.other]\n", _LINKS.format(completes='completes = []', requires="")), "severity[1].completes"),
        (("[categories.other]\n", _LINKS.format(completes='completes = "s.threat"', requires='requires = "s.threat"')), "secondary[0].requires"),
        (("[categories.other]\n", _LINKS.format(completes='completes = "s.threat"', requires="") + 'completes = "s.threat"\n'), "secondary[0].completes: unknown key"),
    ],
)
def test_validation_errors_name_the_key(tmp_path, change, message):
    text = MINIMAL.format(version="v1").replace(*change)
    with pytest.raises(RuleError) as error:
        load_rules(write(tmp_path / "r.toml", text))
    assert message in str(error.value)
    assert str(tmp_path / "r.toml") in str(error.value)


def test_error_names_the_line(tmp_path):
    text = MINIMAL.format(version="v1").replace('weight = 2', 'weight = 0')
    with pytest.raises(RuleError, match=r"r\.toml:6: kinds\.complaint\.terms\[0\]\.weight"):
        load_rules(write(tmp_path / "r.toml", text))


def test_toml_syntax_error_has_line(tmp_path):
    with pytest.raises(RuleError, match="line 2"):
        load_rules(write(tmp_path / "r.toml", 'version = "v1"\nkinds = [1,,]\n'))


def test_rule_source_rereads_changed_file(tmp_path):
    path = write(tmp_path / "r.toml", MINIMAL.format(version="v1"))
    source = RuleSource(path, check_interval=0)
    assert source.current().version == "v1"
    write(path, MINIMAL.format(version="v2"))
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert source.current().version == "v2"


def test_broken_file_keeps_old_rules_and_reports(tmp_path):
    path = write(tmp_path / "r.toml", MINIMAL.format(version="v1"))
    source = RuleSource(path, check_interval=3600)
    write(path, MINIMAL.format(version="v2").replace('weight = 2', 'weight = "x"'))
    error = source.reload()
    assert error and "weight" in error and source.error == error
    assert source.current().version == "v1"
    write(path, MINIMAL.format(version="v3"))
    assert source.reload() is None and source.error is None
    assert source.current().version == "v3"


def test_caps_and_feedback_weights_are_loaded():
    rules = load_rules()
    assert rules.caps["kind.inquiry.explicit"] == 6
    assert rules.feedback_weights["cat.property.team"] > rules.feedback_weights["cat.other.utility"]


def test_a_phrase_spelled_twice_in_one_rule_is_one_term():
    # The matcher reports a hit per Term: a repeat would count the phrase twice.
    terms = make_terms(["态度很差", "态度{很,太}差", "leak*", "leak*"], "r", "category:other", 4)
    assert sorted((term.phrase, term.prefix) for term in terms) == [("leak", True), ("态度太差", False), ("态度很差", False)]


def test_roles_are_loaded():
    rules = load_rules()
    assert rules.roles["cat.property.staff"] == "person" and rules.roles["cat.service.unanswered"] == "conduct"
    assert "cat.property.facilities" not in rules.roles


def test_links_between_rules_are_loaded(tmp_path):
    text = MINIMAL.format(version="v1").replace("[categories.other]\n", _LINKS.format(completes='completes = "s.threat"', requires='requires = "c.case"') + '\n[[context]]\nid = "c.case"\nphrases = ["ticket"]\n')
    rules = load_rules(write(tmp_path / "r.toml", text))
    assert rules.completes == {"s.past": ("s.threat",)} and rules.requires == {"s.closed": "c.case"}
    assert {"severity:past", "context"} <= {term.target for term in rules.terms}
    listed = text.replace('completes = "s.threat"', 'completes = ["s.threat"]')
    assert load_rules(write(tmp_path / "l.toml", listed)).completes == {"s.past": ("s.threat",)}
    defaults = load_rules()
    assert defaults.completes["sev.media.published"] == ("sev.media.threat",)
    assert defaults.completes["sev.lawsuit.past"] == ("sev.lawsuit.threat", "sev.lawsuit.court")
    assert defaults.requires["secondary.closed_case"] == "context.case"
