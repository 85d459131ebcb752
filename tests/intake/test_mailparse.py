"""Unit tests for services.intake.mailparse: real corpus mails plus small mails built inline."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.intake import mailparse, mimeparts
from services.intake.mailparse import Attachment, MailParseError, ParsedMail, parse_mail

DATA = Path(__file__).parents[1] / "data" / "mail"


def corpus(name: str) -> ParsedMail:
    """Parse one of the corpus mails copied to tests/data/mail (see SOURCES.md there)."""
    return parse_mail((DATA / name).read_bytes())


def mail(*headers: str, body: bytes = b"Hello", crlf: bool = True) -> bytes:
    """Build a raw mail from header lines and a body."""
    newline = "\r\n" if crlf else "\n"
    return (newline.join(headers) + newline + newline).encode("utf-8") + body


def word(charset: str, data: bytes) -> str:
    """Return an RFC 2047 B-encoded word."""
    return f"=?{charset}?B?{base64.b64encode(data).decode('ascii')}?="


# --- plain text, HTML, attachments ------------------------------------------------------------


def test_plain_text_mail() -> None:
    raw = mail(
        'From: "Zhang San" <ZhangSan@Example.COM>',
        "To: service@example.cn, Li Si <LiSi@example.cn>",
        "Subject:  Water   leak\r\n  in unit 3",
        "Date: Mon, 1 Apr 2024 09:30:00 +0800",
        "Message-ID: <20240401.1@example.com>",
        "Content-Type: text/plain; charset=utf-8",
        body=b"The ceiling leaks.\r\nPlease send someone.\r\n",
    )
    parsed = parse_mail(raw)
    assert parsed.from_addr == "zhangsan@example.com"
    assert parsed.from_name == "Zhang San"
    assert parsed.to == ("service@example.cn", "lisi@example.cn")
    assert parsed.subject == "Water leak in unit 3"
    assert parsed.date == datetime(2024, 4, 1, 1, 30, tzinfo=timezone.utc)
    assert parsed.message_id == "20240401.1@example.com"
    assert parsed.text == "The ceiling leaks.\nPlease send someone."
    assert parsed.html is None
    assert parsed.attachments == ()
    assert (parsed.auto, parsed.auto_reason, parsed.language) == (None, None, "en")


def test_html_only_mail_drops_script_and_style_and_keeps_line_breaks() -> None:
    html = (
        "<html><head><title>t</title><style>p {color: red}</style></head><body>"
        "<div>物业您好，</div><p>楼道灯坏了&nbsp;三天&amp;无人修。<br>请尽快处理。</p>"
        "<script>alert('x')</script><div>业主 王五</div></body></html>"
    )
    raw = mail("From: w@example.cn", "Subject: 报修", "Content-Type: text/html; charset=utf-8",
               body=html.encode("utf-8"))
    parsed = parse_mail(raw)
    assert parsed.html == html
    assert parsed.text == "物业您好，\n\n楼道灯坏了 三天&无人修。\n请尽快处理。\n\n业主 王五"
    assert "alert" not in parsed.text and "color" not in parsed.text
    assert parsed.language == "zh"


def test_html_only_chinese_corpus_mail() -> None:
    parsed = corpus("apache-spamassassin__spam__unicode2")
    assert parsed.subject == "外贸客户开发，势在必行"  # UTF-8 split over three Q-encoded words.
    assert parsed.text.startswith("WhatsApp目前已经是国外最火的即时聊天通讯软件")
    assert "\n2，自动提取所属行业群组成员手机号，一键操作。\n" in parsed.text  # One line per <br />.
    assert parsed.html is not None and "<table" in parsed.html
    assert parsed.language == "zh"


def test_multipart_with_attachments_in_gbk() -> None:
    parsed = corpus("mnako-letters__test_chinese_multipart_mixed_gbk_over_base64.txt")
    assert parsed.subject == "📧 Test 施氏食狮史"
    assert parsed.from_name == "艾莉絲 发件人"
    assert parsed.text.startswith("石室诗士施氏，嗜狮，誓食十狮。\n氏时时适市视狮。")
    assert Attachment("attached-pdf-filename.pdf", "application/pdf", 67) in parsed.attachments
    assert Attachment("inline-jpg-image-filename.jpg", "image/jpeg", 107) in parsed.attachments
    assert len(parsed.attachments) == 7
    # Header names holding illegal characters end Python's header block early; they are repaired.
    assert "HeaderRepaired" in parsed.defects


def test_attachment_names_in_rfc2231_and_rfc2047_with_gbk_only_characters() -> None:
    pdf_name = "".join(f"%{byte:02X}" for byte in "朱镕基.pdf".encode("gb18030"))
    raw = mail(
        "From: a@example.cn",
        "Subject: photos",
        "Content-Type: multipart/mixed; boundary=XX",
        body=(
            b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee attached\r\n--XX\r\n"
            b"Content-Type: application/pdf\r\n"
            b"Content-Disposition: attachment; filename*=gb2312''" + pdf_name.encode() + b"\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n"
            + base64.b64encode(b"%PDF-1.4 0123456789") + b"\r\n--XX\r\n"
            b'Content-Type: image/jpeg; name="' + word("gb2312", "照片.jpg".encode("gb2312")).encode()
            + b'"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            + base64.b64encode(b"\xff\xd8\xff" + bytes(97)) + b"\r\n--XX--\r\n"
        ),
    )
    parsed = parse_mail(raw)
    assert parsed.text == "see attached"
    assert parsed.attachments == (
        Attachment("朱镕基.pdf", "application/pdf", 19),
        Attachment("照片.jpg", "image/jpeg", 100),
    )


def test_inline_text_part_with_file_name_is_body_text() -> None:
    raw = mail(
        "From: a@example.cn", "Subject: s", "Content-Type: multipart/mixed; boundary=B",
        body=b"--B\r\nContent-Type: text/plain\r\nContent-Disposition: inline; filename=note.txt\r\n"
        b"\r\nfirst\r\n--B\r\nContent-Type: text/plain; name=log.txt\r\n\r\nsecond\r\n--B--\r\n",
    )
    parsed = parse_mail(raw)
    assert parsed.text == "first"
    assert parsed.attachments == (Attachment("log.txt", "text/plain", 6),)


# --- charsets ---------------------------------------------------------------------------------


def test_rfc2047_subject_in_utf8_and_gb2312() -> None:
    utf8 = word("UTF-8", "投诉：".encode())
    gb2312 = word("gb2312", "电梯故障".encode("gb2312"))
    parsed = parse_mail(mail("From: a@example.cn", f"Subject: {utf8} {gb2312} (urgent)"))
    assert parsed.subject == "投诉：电梯故障 (urgent)"


def test_gb2312_encoded_words_with_gbk_only_character_split_across_words() -> None:
    data = "朱镕基投诉漏水".encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")  # 镕 is in GBK and GB18030 only.
    # The first word ends inside a character, as some mailers do; the words must be joined.
    subject = f"{word('gb2312', data[:5])}\r\n {word('GB2312', data[5:])}"
    assert parse_mail(mail("From: a@example.cn", f"Subject: {subject}")).subject == "朱镕基投诉漏水"


@pytest.mark.parametrize("label", ["gb2312", "GB2312", "gbk", "x-gbk", "gb_2312-80", "cp936"])
def test_gb2312_family_body_is_decoded_as_gb18030(label: str) -> None:
    with pytest.raises(UnicodeEncodeError):
        "镕".encode("gb2312")
    text = "朱镕基路的业主反映：喆园小区三号楼电梯停运两天。"
    raw = mail("From: a@example.cn", "Subject: s", f"Content-Type: text/plain; charset={label}",
               "Content-Transfer-Encoding: 8bit", body=text.encode("gb18030"))
    parsed = parse_mail(raw)
    assert parsed.text == text
    assert parsed.language == "zh"


def test_body_labelled_gb2312_that_is_really_utf8() -> None:
    parsed = corpus("SpamScope-mail-parser__mail_test_12")
    assert parsed.subject == "代开各地增值税发票"
    assert parsed.from_name == "张先生"
    assert parsed.text.startswith("你好！我公司可代开各类增值税发票")


@pytest.mark.parametrize(
    ("label", "data", "expected"),
    [
        ("x-bogus", "小区物业管理混乱，多次投诉无人处理。".encode("gbk"), "小区物业管理混乱，多次投诉无人处理。"),
        ("x-bogus", "Überweisung für März".encode(), "Überweisung für März"),
        ("unknown-8bit", "caf\xe9 cr\xe8me".encode("latin-1"), "caf\xe9 cr\xe8me"),
        ("us-ascii", "电梯坏了很久了，请尽快维修。".encode(), "电梯坏了很久了，请尽快维修。"),
        ("utf-8", "电梯坏了很久了，请尽快维修。".encode("gbk"), "电梯坏了很久了，请尽快维修。"),
    ],
)
def test_unknown_or_wrong_charset_labels_fall_back(label: str, data: bytes, expected: str) -> None:
    raw = mail("From: a@example.cn", "Subject: s", f"Content-Type: text/plain; charset={label}",
               body=data)
    assert parse_mail(raw).text == expected


def test_damaged_utf8_is_not_read_as_gb18030() -> None:
    text = "Профессионалы — ведущая деловая сеть. " * 20
    data = bytearray(text.encode())
    data[100] = 0xD1  # One broken sequence: the text stays UTF-8, with replacement characters.
    raw = mail("From: a@example.cn", "Subject: s", "Content-Type: text/plain; charset=utf-8",
               body=bytes(data))
    decoded = parse_mail(raw).text
    assert "\ufffd" in decoded and decoded.count("Профессионалы") == 20


def test_broken_encoded_words_do_not_crash() -> None:
    subject = "=?utf-8?B?5oqV6K+J?= =?utf-8?B?!!!?= =?no-such-charset?Q?caf=E9?= =?utf-8?b?5oqV6K+?="
    parsed = parse_mail(mail("From: a@example.cn", f"Subject: {subject}"))
    assert parsed.subject == "投诉 =?utf-8?B?!!!?= café投\ufffd"


def test_raw_8bit_header_is_decoded_with_the_body_charset() -> None:
    raw = (
        b"From: " + "王五".encode("big5") + b" <ww@example.tw>\r\nSubject: "
        + "電梯故障投訴".encode("big5") + b"\r\nContent-Type: text/plain; charset=big5\r\n\r\n"
        + "電梯已經停了三天。".encode("big5")
    )
    parsed = parse_mail(raw)
    assert (parsed.subject, parsed.from_name, parsed.text) == ("電梯故障投訴", "王五", "電梯已經停了三天。")


# --- automatic mail ---------------------------------------------------------------------------


def test_auto_reply_with_auto_submitted() -> None:
    parsed = corpus("sisimai-set-of-emails__bsd__rfc3834-01.eml")
    assert (parsed.auto, parsed.auto_reason) == ("auto_reply", "Auto-Submitted: auto-replied")


def test_auto_submitted_no_is_a_person() -> None:
    assert parse_mail(mail("From: a@example.cn", "Subject: s", "Auto-Submitted: no")).auto is None


def test_dsn_bounce() -> None:
    parsed = corpus("sisimai-set-of-emails__bsd__rhost-tencent-01.eml")
    assert (parsed.auto, parsed.auto_reason) == ("bounce", "DSN multipart/report")
    assert parsed.text.startswith("This is the mail system at host mail.example.net.")


def test_bounce_without_dsn_from_mailer_daemon() -> None:
    parsed = corpus("sisimai-set-of-emails__bsd__lhost-qmail-01.eml")
    assert (parsed.auto, parsed.auto_reason) == ("bounce", "From: MAILER-DAEMON")


def test_bounce_whose_headers_break_policy_default() -> None:
    # policy.default raises AttributeError reading this To: group; we read raw headers instead.
    parsed = corpus("jstedfast-MimeKit__messages__delivery-status.txt")
    assert (parsed.auto, parsed.from_addr, parsed.to) == ("bounce", "postmaster@mm1.sprynet.com", ())


def test_null_return_path_is_a_bounce() -> None:
    parsed = parse_mail(mail("Return-Path: <>", "From: notify@example.com", "Subject: s"))
    assert (parsed.auto, parsed.auto_reason) == ("bounce", "null return path")


def test_list_mail() -> None:
    parsed = corpus("apache-spamassassin__nice__cjk__gb2312.2")
    assert (parsed.auto, parsed.auto_reason) == ("list", "Precedence: list")
    assert parsed.subject == "RE: 装硬碟问题"
    assert parsed.from_name == "Jason Lee (李展锋)"
    assert parsed.language == "zh"
    list_id = parse_mail(mail("From: a@example.cn", "Subject: s", "List-Id: <news.example.cn>"))
    assert (list_id.auto, list_id.auto_reason) == ("list", "List-Id header")


def test_precedence_bulk() -> None:
    parsed = parse_mail(mail("From: a@example.cn", "Subject: s", "Precedence: bulk"))
    assert (parsed.auto, parsed.auto_reason) == ("bulk", "Precedence: bulk")


@pytest.mark.parametrize(
    "name",
    ["sisimai-set-of-emails__bsd__rfc3834-02.eml", "apache-spamassassin__MIME_BASE64_TEXT__fp-bug-5909"],
)
def test_out_of_office_by_subject(name: str) -> None:
    parsed = corpus(name)
    assert parsed.auto == "auto_reply"
    assert parsed.auto_reason is not None and parsed.auto_reason.startswith("out-of-office subject")


@pytest.mark.parametrize(
    "subject", ["自动回复: 关于物业费", "自动答复：电梯", "Out of Office", "Automatic reply: x"]
)
def test_out_of_office_subjects(subject: str) -> None:
    assert parse_mail(mail("From: a@example.cn", f"Subject: {subject}")).auto == "auto_reply"


def test_x_auto_response_suppress_alone_is_ordinary_mail() -> None:
    raw = mail("From: a@example.cn", "Subject: Out of office hours the lift is noisy",
               "X-Auto-Response-Suppress: All")
    assert parse_mail(raw).auto is None


def test_english_out_of_office_with_chinese_disclaimer_is_english() -> None:
    parsed = corpus("apache-spamassassin__MIME_BASE64_TEXT__fp-bug-5909")
    assert "重要提示" in parsed.text
    assert parsed.language == "en"


# --- threading, dates, language -------------------------------------------------------------


def test_threading_headers() -> None:
    raw = mail(
        "From: a@example.cn",
        "Subject: Re: [CD-2024-0001] 漏水",
        "Message-ID: <reply-2@mail.example.cn>",
        "In-Reply-To: <ack-1@complaintdesk.example.com> (our acknowledgement)",
        "References: <orig-0@mail.example.cn>\r\n\t<ack-1@complaintdesk.example.com>",
        "References: <orig-0@mail.example.cn>",
    )
    parsed = parse_mail(raw)
    assert parsed.message_id == "reply-2@mail.example.cn"
    assert parsed.in_reply_to == "ack-1@complaintdesk.example.com"
    assert parsed.references == ("orig-0@mail.example.cn", "ack-1@complaintdesk.example.com")


def test_unbracketed_message_id() -> None:
    parsed = parse_mail(mail("From: a@example.cn", "Message-ID: 1234@example.cn", "In-Reply-To:"))
    assert (parsed.message_id, parsed.in_reply_to, parsed.references) == ("1234@example.cn", None, ())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 2 Apr 2024 08:00:00 +0800", datetime(2024, 4, 2, 0, 0, tzinfo=timezone.utc)),
        ("Tue, 2 Apr 2024 08:00:00 -0000", datetime(2024, 4, 2, 8, 0, tzinfo=timezone.utc)),
        ("Wed, 15 Dec 2010    59:10 -0500", None),
        ("Whenever", None),
    ],
)
def test_dates_are_utc_or_none(value: str, expected: datetime | None) -> None:
    assert parse_mail(mail("From: a@example.cn", f"Date: {value}")).date == expected


def test_missing_date_is_none() -> None:
    assert parse_mail(mail("From: a@example.cn")).date is None


@pytest.mark.parametrize(
    ("subject", "body", "language"),
    [
        ("投诉", "楼上漏水，已经三天了，物业一直没有来处理。", "zh"),
        ("Complaint", "小区门口的路灯坏了。Thanks", "zh"),
        ("Lift broken", "The lift has been broken for a week.\n\nBest regards,\n张伟", "en"),
        ("Re: 受理通知", "Thank you, that works for me.\n\n> 您的投诉已受理，编号 CD-1。\n> 我们将在24小时内回复。", "en"),
        ("", "", "en"),
    ],
)
def test_language(subject: str, body: str, language: str) -> None:
    raw = mail("From: a@example.cn", f"Subject: {subject}", "Content-Type: text/plain; charset=utf-8",
               body=body.encode())
    assert parse_mail(raw).language == language


# --- broken input -----------------------------------------------------------------------------


def test_obsolete_header_syntax_is_repaired() -> None:
    parsed = corpus("apache-james-mime4j__testmsgs__obsolete.msg")
    assert parsed.subject == (
        "The obsolete syntax allow spaces before the colon and also empty lines in folding."
    )
    assert parsed.text == "body"
    assert "HeaderRepaired" in parsed.defects


def test_unindented_folded_line_is_repaired() -> None:
    raw = mail("Received: from a.example.cn", "by b.example.cn; Mon, 1 Apr 2024 09:30:00 +0800",
               "From: a@example.cn", "Subject: still found", body=b"text")
    parsed = parse_mail(raw)
    assert (parsed.from_addr, parsed.subject, parsed.text) == ("a@example.cn", "still found", "text")


def test_address_field_that_overflows_the_stdlib_parser() -> None:
    parsed = corpus("jstedfast-MimeKit__messages__stack-overflow.txt")
    expected = ("test@test.com", "Message Subject", "Message Body")
    assert (parsed.from_addr, parsed.subject, parsed.text) == expected


def test_bom_and_bare_lf_and_cr_line_endings() -> None:
    for newline in (b"\n", b"\r"):
        raw = b"\xef\xbb\xbfFrom: a@example.cn" + newline + b"Subject: s" + newline + newline + b"hi"
        parsed = parse_mail(raw)
        assert (parsed.from_addr, parsed.subject, parsed.text) == ("a@example.cn", "s", "hi")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty input"),
        (b" \r\n\r\n\t", "empty input"),
        (b"From: a@example.cn\r\n\r\n" + bytes(400), "binary data, not a mail (too many NUL bytes)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "binary data, not a mail (too many NUL bytes)"),
        (b"\r\nno header here", "no header fields: not a mail message"),
        ("From: a@example.cn\r\n\r\nhi", "input is str, not bytes"),
    ],
)
def test_unparsable_input_raises_with_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(MailParseError) as caught:
        parse_mail(raw)
    assert caught.value.reason == reason
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("jhillyerd-enmime__testdata__mail__erroneous.raw", "no header fields: not a mail message"),
        ("apache-spamassassin__spam__bsmtp", "no header fields: not a mail message"),
        (
            "stalwartlabs-mail-parser__malformed__000.eml",
            "no From, Message-ID, Subject or Date header: not a mail message",
        ),
    ],
)
def test_corpus_files_that_are_not_mail(name: str, reason: str) -> None:
    with pytest.raises(MailParseError) as caught:
        corpus(name)
    assert caught.value.reason == reason


def test_mail_that_breaks_the_policy_default_parser_is_split_with_compat32() -> None:
    raw = mail(
        "From: a@example.cn", "Subject: s", "Content-Type: multipart/mixed; boundary=B",
        body=b"--B\r\n\r\nsee attached\r\n--B\r\n"
        b"Content-Type: application/pdf; name*=x\x00y''report.pdf\r\n\r\n%PDF\r\n--B--\r\n",
    )
    parsed = parse_mail(raw)
    assert parsed.text == "see attached"
    assert parsed.attachments == (Attachment("report.pdf", "application/pdf", 4),)
    assert "Compat32Fallback(ValueError)" in parsed.defects


def nested(levels: int) -> bytes:
    """Build a mail whose text sits below the given number of nested multipart levels."""
    opening = b"".join(b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1)
                       for i in range(levels))
    closing = b"".join(b"--b%d--\r\n" % i for i in range(levels, -1, -1))
    return (b"From: a@example.cn\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
            + opening + b"--b%d\r\nContent-Type: text/plain\r\n\r\nbottom\r\n" % levels + closing)


def test_deep_nesting() -> None:
    assert parse_mail(nested(20)).text == "bottom"
    too_deep = parse_mail(nested(100))
    assert (too_deep.text, too_deep.defects) == ("", ("NestingTooDeep",))
    with pytest.raises(MailParseError) as caught:
        parse_mail(nested(1500))
    assert caught.value.reason == "MIME parts nested too deeply to parse"


def test_unexpected_exception_is_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(mailparse, "detect_auto", explode)
    with pytest.raises(MailParseError) as caught:
        parse_mail(mail("From: a@example.cn", "Subject: s"))
    assert caught.value.reason == "unexpected RuntimeError: boom"
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_unreadable_part_is_skipped_and_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    real = mimeparts.part_mime

    def failing(part):  # type: ignore[no-untyped-def]
        if part.get_content_type() == "image/png":
            raise LookupError("bad part")
        return real(part)

    monkeypatch.setattr(mimeparts, "part_mime", failing)
    raw = mail("From: a@example.cn", "Subject: s", "Content-Type: multipart/mixed; boundary=B",
               body=b"--B\r\n\r\nkept\r\n--B\r\nContent-Type: image/png\r\n\r\nxx\r\n--B--\r\n")
    parsed = parse_mail(raw)
    assert parsed.text == "kept"
    assert "UnreadablePart(LookupError)" in parsed.defects


_HEADERISH = st.sampled_from(
    [b"From: ", b"Subject: ", b"To: ", b"Content-Type: ", b"multipart/mixed; boundary=", b"--",
     b"=?gb2312?B?", b"=?utf-8?Q?", b"?=", b"\r\n", b"\n ", b":", b";", b"<", b">", b'"', b"\\",
     b"filename*0*=", b"charset=", b"\x00", b"\xff", b"\xb9\xa4"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_HEADERISH, st.binary(max_size=20)), max_size=40))
def test_parse_mail_never_raises_anything_but_mail_parse_error(chunks: list[bytes]) -> None:
    try:
        result = parse_mail(b"".join(chunks))
    except MailParseError as error:
        assert error.reason and not error.reason.startswith("unexpected")
    else:
        assert isinstance(result, ParsedMail)
        texts = [result.subject, result.text, result.html or "", result.from_name or "", *result.to]
        texts += [attachment.filename or "" for attachment in result.attachments]
        for text in texts:
            text.encode("utf-8")  # No lone surrogates: every field can be published as JSON.
