"""Tests of people counts read from text, and of the numbers that must not count."""

import pytest

from services.classifier.normalize import normalize
from services.classifier.people import count_people, zh_number

COUNTS = [
    ("我们12户业主联名投诉", 12), ("十几位业主来了", 10), ("二十多户受影响", 20), ("三十余名业主", 30),
    ("数十户业主", 20), ("几十位业主", 20), ("我们俩都很生气", 2), ("两户人家", 2), ("上百名业主", 100),
    ("十二户", 12), ("我们5栋12户业主", 12), ("其中15户业主联名", 15),
    ("twelve households signed", 12), ("a dozen of us", 12), ("dozens of residents", 20),
    ("over 30 residents", 30), ("five of us", 5), ("twenty-five families", 25), ("10+ households", 10),
    ("more than a dozen owners", 12), ("three neighbours and I", 4), ("me and my two neighbours", 3), ("a group of 40 owners protested", 40), ("我和楼上楼下共五户业主一起反映", 5),
    ("Block B, 12 households have the same leak", 12), ("Tower 3 - 40 families signed", 40),
]
NOT_PEOPLE = [
    "3栋2单元1502卫生间漏水", "已经漏了十几天", "交了2万元定金", "2024年3月5日", "住在18楼", "业主群200多人都在说",
    "这栋楼共120户", "小区一共有800多户", "一梯两户的户型", "两名保安在打牌", "墙上3处裂缝", "5个问题",
    "1502户主张先生", "我家3个人", "a building of 120 households", "our chat group of 200 people",
    "120 households in total", "unit 1502 on floor 15", "it leaked for 12 days", "we paid 30,000 yuan",
    "Riverside One, Tower 2, 1107 residents' entrance", "room 1203 owners' parking", "2406 owner here", "flat 12 owners association",
    "we recorded 27 defects together with a hired inspector", "我和三位验房师一起验房", "请了两名工程师来看",
    "it's now the 11th and 3 calls later nothing", "I phoned twice more",
    "I understand Building 8 has 260 households and maybe others noticed", "Tower 5 of 300 residents", "已经有两百多人看过", "我们整栋楼300多户都受影响", "300 people have seen it",
]


@pytest.mark.parametrize("text,value", COUNTS)
def test_people_counts(text, value):
    mention = count_people(normalize(text))
    assert mention is not None and mention.value == value


@pytest.mark.parametrize("text", NOT_PEOPLE)
def test_numbers_that_are_not_people(text):
    mention = count_people(normalize(text))
    assert mention is None or mention.value < 3, mention


def test_span_points_into_text():
    text = normalize("楼上漏水，我们12户业主联名")
    mention = count_people(text)
    assert text[mention.start : mention.end] == mention.phrase == "12户业主"


@pytest.mark.parametrize("text,value", [("十二", 12), ("二十", 20), ("一百二十", 120), ("两", 2), ("35", 35), ("三四", 3)])
def test_zh_number(text, value):
    assert zh_number(text) == value


@pytest.mark.parametrize("text", ["i've told at least 10 neighbours about it", "听说十几户都有这个问题", "2栋1605业主", "we spoke to twelve residents"])
def test_hearsay_and_unit_numbers_do_not_count(text):
    assert count_people(normalize(text)) is None


def test_range_counts_at_lower_bound():
    assert count_people(normalize("七八个业主一起来了")).value == 7
