"""Tests of resolving a phone log's project field: names, abbreviations and homophone typos."""

import pytest

from services.classifier.matcher import load_projects
from services.classifier.projectfield import by_letters, by_sound, letters, sound

NAMES = {"maple court": "枫丹苑", "枫丹": "枫丹苑", "hillside residence": "半山雅居", "观澜府": "观澜府", "金桂园": "金桂园", "云栖苑": "云栖苑"}


def test_letters_spell_out_abbreviations():
    assert letters("Maple Ct.") == "maplecourt"
    assert letters("Hillside Res.") == "hillsideresidence"


def test_sound_reads_chinese_without_tones():
    assert sound("观兰府三期") == ("guan", "lan", "fu", "san", "qi")
    assert sound("Phase 3") == ()


@pytest.mark.parametrize("typed,project", [("Maple Ct", "枫丹苑"), ("Hillside", "半山雅居"), ("hillside res", "半山雅居"), ("Hill", None), ("Court", None)])
def test_by_letters(typed, project):
    assert by_letters(typed, NAMES) == project


@pytest.mark.parametrize("typed,project", [("观兰府", "观澜府"), ("观兰府三期", "观澜府"), ("金贵园", "金桂园"), ("云溪苑", "云栖苑"), ("云霞苑", None), ("观", None), ("金桂", "金桂园")])
def test_by_sound_matches_homophones_only(typed, project):
    # 栖 reads qi and xi, so 云溪苑 is 云栖苑 typed by someone who says xi; 云霞苑 (yun xia yuan) is another estate.
    assert by_sound(typed, NAMES) == project


@pytest.mark.parametrize("typed,project", [("Riversdie 1", "滨江一号"), ("Emrald Lake", "翠湖天地"), ("Osmanthus Gardne", "金桂园"), ("Pearl Bay", None), ("Riv", None)])
def test_a_typo_of_one_or_two_keystrokes_is_the_project(typed, project):
    assert load_projects().resolve(typed) == (project or typed)


@pytest.mark.parametrize("typed,project", [("RS1", "滨江一号"), ("R1", "滨江一号"), ("JXHF ph3", "锦绣华府"), ("滨江二期", "滨江一号"), ("滨江", "滨江一号"), ("EL Garden ph3", "翠湖天地"), ("Maple Court Phase 2", "枫丹苑")])
def test_a_phase_after_the_name_is_part_of_the_estate(typed, project):
    assert load_projects().resolve(typed) == project


def test_default_projects_resolve_fields_and_say_how():
    projects = load_projects()
    assert projects.resolve_field("锦秀华府") == ("锦绣华府", "sounds like 锦绣华府")
    assert projects.resolve_field("Riverside No.1") == ("滨江一号", "abbreviation of 滨江一号")
    assert projects.resolve_field("Maple Court") == ("枫丹苑", "name")
    assert projects.resolve_field("Pearl Bay") == ("Pearl Bay", "not a known project")
    assert projects.resolve_field(" ") == (None, "empty")


def test_initials_of_an_english_name_or_of_the_chinese_syllables():
    projects = load_projects()
    # Agents in holdout12 typed "EL Garden" and "GL Residence"; 观澜府 reads guan lan fu.
    assert projects.resolve_field("EL Garden") == ("翠湖天地", "initials of 翠湖天地")
    assert projects.resolve_field("ELG")[0] == "翠湖天地"
    assert projects.resolve_field("GL Residence")[0] == "观澜府"
    assert projects.resolve_field("GL Res")[0] == "观澜府"
    assert projects.resolve_field("YQ Garden")[0] == "云栖苑"
    assert projects.resolve_field("XY Garden") == ("XY Garden", "not a known project")
    assert projects.resolve_field("AB") == ("AB", "not a known project")
