"""Tests of quote and signature removal: only the customer's new text is kept."""

import pytest

from services.classifier.normalize import normalize
from services.classifier.quoting import clean_subject, forwarded_subject_length, new_text, split_new_text

CASES = [
    ("新问题又来了\n\n> 您好，已经处理\n> 客服中心", "新问题又来了"),
    ("Still broken.\n\nOn Mon, Mar 4, 2024 at 10:00 AM Service <kf@x.com> wrote:\n> fixed", "still broken."),
    ("Still broken.\n\nOn Mon, Mar 4, 2024 at 10:00 AM Service Desk\n<kf@x.com> wrote:\n> fixed", "still broken."),
    ("好的谢谢\n\n在 2024年3月4日 星期一 10:00，客服中心 <kf@x.com> 写道：\n已起诉", "好的谢谢"),
    ("见下\n\n-----原始邮件-----\n发件人: a\n已经上了新闻", "见下"),
    ("see below\n-----Original Message-----\nFrom: a\nSent: b\nlawsuit filed", "see below"),
    ("see below\n\nFrom: Service <kf@x.com>\nSent: Monday\nTo: me\nSubject: case\n\nwe filed", "see below"),
    ("漏水还没修\n\n发件人: 客服 <kf@x.com>\n发送时间: 2024年3月4日\n主题: 回复", "漏水还没修"),
    ("thanks\n-- \nJohn Smith\nLawyer at Smith & Co", "thanks"),
    ("问题还在\n\n发自我的iPhone", "问题还在"),
    ("problem persists\n\nSent from my iPhone\n\n> old", "problem persists"),
    ("请公司给个说法。\n\n-------- 转发的消息 --------\n【新闻】业主起诉开发商，法院已立案。", "请公司给个说法。"),
    ("你们看看吧。\n---------- 转发文章 ----------\n《城市晚报》报道", "你们看看吧。"),
    ("please clear the drains\n\n---------- Forwarded message ---------\nFrom: City Evening News", "please clear the drains"),
]


@pytest.mark.parametrize("body,expected", CASES)
def test_new_text(body, expected):
    assert new_text(normalize(body)) == expected


def test_reports_whether_something_was_dropped():
    assert split_new_text("plain text") == ("plain text", False)
    assert split_new_text("a\n> b")[1] is True


def test_only_quote_falls_back_to_whole_body():
    assert new_text("> 漏水") == "> 漏水"


def test_subject_prefixes_removed():
    assert clean_subject(normalize("RE: 回复：Fwd: 漏水")) == "漏水"


def test_message_text_joins_subject_and_new_body():
    from services.classifier.quoting import message_text

    text, dropped, whole = message_text("Re: 漏水", "还在漏\n\n> 已处理")
    assert text == "漏水\n还在漏" and dropped is True and "> 已处理" in whole


def test_a_forwards_subject_is_the_forwarded_items():
    assert forwarded_subject_length("Fwd: Flooded garage on the news", True) == len("flooded garage on the news")
    assert forwarded_subject_length("RE: FW: parking fees", True) == len("parking fees")
    assert forwarded_subject_length("Fwd: nothing was forwarded", False) == 0
    assert forwarded_subject_length("Re: lift broken", True) == 0
