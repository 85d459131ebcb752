"""Tests of text normalization: NFKC, case folding, traditional → simplified, spaces."""

from hypothesis import given
from hypothesis import strategies as st

from services.classifier.normalize import normalize, normalize_phrase, to_simplified


def test_full_width_and_case():
    assert normalize("ＬＥＡＫ　１２户？") == "leak 12户?"


def test_traditional_keywords_become_simplified():
    assert normalize("牆面滲水，電梯費用，銷售態度，業主投訴記錄報告") == "墙面渗水,电梯费用,销售态度,业主投诉记录报告"
    assert to_simplified("裂縫質量") == "裂缝质量"


def test_traditional_characters_beyond_complaint_vocabulary():
    # The table comes from OpenCC, so everyday characters convert too, not only keywords.
    assert normalize("個職員話連句唔好意思都冇") == "个职员话连句唔好意思都冇"
    assert to_simplified("鄰居們說電梯壞了") == "邻居们说电梯坏了"


def test_newlines_kept_and_spaces_collapsed():
    assert normalize("a \t b\r\nc") == "a b\nc"


def test_phrase_is_trimmed():
    assert normalize_phrase("  Sent From  ") == "sent from"


@given(st.text())
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once
