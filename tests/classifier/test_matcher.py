"""Tests of phrase matching: word boundaries, prefixes, exclusions, longest match, projects."""

import pytest

from services.classifier.matcher import Matcher, ProjectList, load_projects
from services.classifier.normalize import normalize
from services.classifier.ruleset import RuleError, RuleSet, Settings, Term


def rules(*terms: Term) -> RuleSet:
    return RuleSet("t", "test", Settings(), {}, tuple(terms))


def found(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    return [(hit.term.rule, text[hit.start : hit.end]) for hit in matcher.find(text)]


def test_latin_words_match_whole_words_only():
    matcher = Matcher(rules(Term("fee", "fee", "category:property_management", 1), Term("leak", "leak", "category:construction_quality", 1, prefix=True)))
    assert found(matcher, "feedback about fees") == []
    assert found(matcher, "the fee; leaking, leaks") == [("fee", "fee"), ("leak", "leak"), ("leak", "leak")]
    assert found(matcher, "bleak") == []


def test_chinese_needs_no_segmentation():
    matcher = Matcher(rules(Term("漏水", "w", "category:construction_quality", 3)))
    assert found(matcher, "卫生间漏水了") == [("w", "漏水")]


def test_exclusion_hides_matches_inside_it():
    matcher = Matcher(rules(Term("要", "future", "modality:defer", 1), Term("要求", "x", "exclude", 1)))
    assert found(matcher, "要求赔偿") == []
    assert found(matcher, "我要起诉") == [("future", "要")]


def test_longer_match_of_same_dimension_wins():
    matcher = Matcher(rules(
        Term("质量", "q", "category:construction_quality", 2),
        Term("服务质量", "s", "category:customer_service", 3),
        Term("服务", "k", "kind:feedback", 1),
    ))
    assert sorted(found(matcher, "服务质量差")) == [("k", "服务"), ("s", "服务质量")]


def test_same_phrase_in_two_rules_both_count():
    matcher = Matcher(rules(Term("漏水", "a", "kind:complaint", 1), Term("漏水", "b", "category:construction_quality", 1)))
    assert sorted(found(matcher, "漏水")) == [("a", "漏水"), ("b", "漏水")]


def test_default_projects_resolve_aliases():
    projects = load_projects()
    assert projects.resolve("Maple Court") == "枫丹苑"
    assert projects.resolve("  ") is None
    name, hit = projects.find(normalize("我是金桂园的业主"))
    assert name == "金桂园" and hit is not None


def test_project_patterns(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('version = "p1"\n[[project]]\nname = "A"\naliases = ["Alpha"]\npatterns = ["友好路\\\\d+号"]\n', encoding="utf-8")
    projects = load_projects(path)
    assert projects.find(normalize("住在友好路88号")) == ("A", None)
    assert projects.version == "p1"


def test_bad_project_file(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[[project]]\nname = "A"\nalias = ["x"]\n', encoding="utf-8")
    with pytest.raises(RuleError, match=r"project\[0\]\.alias"):
        load_projects(path)
