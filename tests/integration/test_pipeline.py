"""End-to-end: mail and phone logs in, classified, tracked and acknowledged, on real servers."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import nats

from shared import subjects
from shared.bus import dead_letter_count
from tests.conftest import eventually
from tests.integration.harness import mail, phone_body, send_to_mailbox

CASE = re.compile(r"CD-\d{4}-\d{6}")


def sent_to(sink, address: str) -> list:
    return [m for m in sink.messages if address in str(m["To"])]


async def test_email_is_acknowledged_with_case_number(mail_pipeline):
    p = mail_pipeline
    raw = mail("li.na@customer.test", "卫生间漏水", "您好，我家卫生间天花板漏水一周了，请尽快派人维修。", message_id="<leak-1@customer.test>")
    send_to_mailbox(p.imap, raw)
    [ack] = await eventually(lambda: sent_to(p.sink, "li.na@customer.test"))
    number = CASE.search(ack["Subject"]).group()
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == "<leak-1@customer.test>"
    assert number in ack.get_body(("plain",)).get_content()
    case = await p.case(number)
    assert (case["kind"], case["channel"]) == ("complaint", "email"), case
    assert {c["name"] for c in case["clocks"]} >= {"first_reply", "resolution"}
    # The mail left the inbox only after JetStream had it: it now sits in the processed folder.
    client = p.imap.client()
    client.select_folder("INBOX")
    assert client.search(["ALL"]) == []
    client.select_folder(p.settings.imap_processed_folder)
    assert len(client.search(["ALL"])) == 1


async def test_unparsable_mail_is_kept_in_failed_folder_and_the_next_gets_through(mail_pipeline):
    p = mail_pipeline
    send_to_mailbox(p.imap, b"X-Garbage: yes\r\n\r\nthis is not a mail message at all\r\n")
    send_to_mailbox(p.imap, mail("next@customer.test", "电梯故障", "小区3号楼电梯又坏了，物业一直没人管。"))
    await eventually(lambda: sent_to(p.sink, "next@customer.test"))
    # The failure report travels on its own subject and consumer, so it may land after the ack.
    failures = await eventually(lambda: _json(p.tracker("GET", "/api/v1/intake-failures")))
    assert len(failures) == 1 and "not a mail message" in failures[0]["reason"]
    client = p.imap.client()
    client.select_folder(p.settings.imap_failed_folder)
    assert len(client.search(["ALL"])) == 1


async def _json(response):
    return (await response).json()


async def test_auto_reply_is_recorded_but_never_acknowledged(pipeline):
    p = pipeline
    send_to_mailbox(p.imap, mail("away@customer.test", "Automatic reply: your case", "I am out of office.",
                                 Auto_Submitted="auto-replied"))
    send_to_mailbox(p.imap, mail("real@customer.test", "Broken window", "The window in my bedroom is cracked."))
    await eventually(lambda: sent_to(p.sink, "real@customer.test"))
    assert sent_to(p.sink, "away@customer.test") == []
    assert len(await p.cases()) == 1


async def test_phone_log_becomes_a_case_and_retries_are_safe(pipeline):
    p = pipeline
    r = await p.phone_log(phone_body(), key="call-0001")
    assert r.status_code == 202, r.text
    source_id = r.json()["source_id"]
    [case] = await eventually(lambda: p.cases(source_id=source_id))
    assert case["channel"] == "phone" and case["project"] == "翠湖天地"
    again = await p.phone_log(phone_body(), key="call-0001")
    assert again.status_code == 202 and again.json()["source_id"] == source_id
    conflict = await p.phone_log(phone_body(notes="完全不同的内容"), key="call-0001")
    assert conflict.status_code == 409
    await eventually(lambda: p.cases(source_id=source_id))
    assert len(await p.cases()) == 1


async def test_invalid_phone_log_gets_422_naming_every_bad_field_and_stores_nothing(pipeline):
    p = pipeline
    body = phone_body(phone="call me", people=0, channel="fax", call_time="yesterday")
    del body["project"]
    r = await p.phone_log(body)
    assert r.status_code == 422
    bad = {tuple(e["loc"])[-1] for e in r.json()["detail"]}
    assert bad == {"phone", "people", "channel", "call_time", "project"}
    assert (await p.phone_log(phone_body(), token="wrong")).status_code == 401
    nc = await nats.connect(p.settings.nats_url)
    info = await nc.jetstream().stream_info(subjects.STREAM)
    await nc.close()
    assert info.state.messages == 0


async def test_reply_threads_into_its_case(pipeline):
    p = pipeline
    send_to_mailbox(p.imap, mail("zhao@customer.test", "墙面开裂", "客厅墙面出现多条裂缝。", message_id="<crack@customer.test>"))
    [ack] = await eventually(lambda: sent_to(p.sink, "zhao@customer.test"))
    number = CASE.search(ack["Subject"]).group()
    send_to_mailbox(p.imap, mail("zhao@customer.test", "Re: " + ack["Subject"], "补充照片，裂缝越来越大。",
                                 In_Reply_To=ack["Message-ID"], References=f"<crack@customer.test> {ack['Message-ID']}"))
    send_to_mailbox(p.imap, mail("zhao@customer.test", f"关于 {number} 的补充", "请问什么时候来人？"))
    case = await eventually(lambda: _with_messages(p, number, 3))
    assert len(await p.cases()) == 1
    assert len(sent_to(p.sink, "zhao@customer.test")) == 1  # a reply is not acknowledged again
    assert case["state"] == "open"


async def _with_messages(p, number, n):
    case = await p.case(number)
    return case if len(case["messages"]) >= n else None


async def test_major_complaint_is_reported_to_leadership_at_once(pipeline):
    p = pipeline
    r = await p.phone_log(phone_body(people=12, notes="12户业主集体来电投诉地下室渗水，要求开发商给说法。"), key="major-1")
    [case] = await eventually(lambda: p.cases(source_id=r.json()["source_id"]))
    assert case["severity"] == "major"
    [report] = await eventually(lambda: sent_to(p.sink, "ceo@company.test"))
    assert case["number"] in report["Subject"]


async def test_third_complainant_raises_the_case_and_the_open_earlier_ones(pipeline):
    p = pipeline
    numbers = []
    for i, phone in enumerate(["13900000001", "13900000002", "13900000003"]):
        r = await p.phone_log(phone_body(phone=phone, caller_name=f"业主{i}",
                                         notes="家里卫生间顶部漏水，墙皮都泡起来了，请尽快安排维修。"), key=f"leak-{i}")
        [case] = await eventually(lambda: p.cases(source_id=r.json()["source_id"]))
        numbers.append(case["number"])
    cases = {c["number"]: c for c in await eventually(lambda: _all_important(p, numbers))}
    assert cases[numbers[2]]["severity"] == "important"
    first = await p.case(numbers[0])
    raised = [a for a in first["actions"] if a["action"] == "severity_raised"]
    assert raised and "count rule" in raised[0]["detail"]["why"]
    assert len(sent_to(p.sink, "ceo@company.test")) == 3


async def _all_important(p, numbers):
    cases = [c for c in await p.cases() if c["number"] in numbers]
    return cases if len(cases) == 3 and all(c["severity"] == "important" for c in cases) else None


async def test_overdue_clock_escalates_to_lead_then_leadership(pipeline):
    p = pipeline
    send_to_mailbox(p.imap, mail("slow@customer.test", "Parking fee question", "Why was my parking fee doubled this month?"))
    [ack] = await eventually(lambda: sent_to(p.sink, "slow@customer.test"))
    number = CASE.search(ack["Subject"]).group()
    p.clock.advance(timedelta(hours=20))  # past 80 % of the 24-hour first-reply promise
    [warning] = await eventually(lambda: sent_to(p.sink, "lead@company.test"))
    assert number in warning["Subject"]
    p.clock.advance(timedelta(hours=5))  # past the deadline
    await eventually(lambda: len(sent_to(p.sink, "lead@company.test")) == 2)
    p.clock.advance(timedelta(hours=5))  # past the leadership delay after the breach
    await eventually(lambda: [m for m in sent_to(p.sink, "ceo@company.test") if number in m["Subject"]])
    case = await p.case(number)
    kinds = [(e["kind"]) for e in case["clock_events"] if e["clock_id"] == _clock(case, "first_reply")["id"]]
    assert kinds == ["started", "warning", "breach", "leadership"]


def _clock(case, name):
    return next(c for c in case["clocks"] if c["name"] == name)


async def test_poison_message_is_dead_lettered_and_the_next_one_flows(pipeline):
    p = pipeline
    nc = await nats.connect(p.settings.nats_url)
    js = nc.jetstream()
    await js.publish(subjects.RECEIVED, b'{"schema_version": 99}', headers={"Nats-Msg-Id": "poison-1"})
    r = await p.phone_log(phone_body(), key="after-poison")
    await eventually(lambda: p.cases(source_id=r.json()["source_id"]))
    assert await eventually(lambda: dead_letter_count(js, subjects.CLASSIFIER_CONSUMER)) == 1
    await nc.close()
    counts = (await p.tracker("GET", "/api/v1/dead-letters")).json()
    assert counts == {"classifier": 1, "tracker": 0, "tracker-intake-failures": 0}


CSV_HEADER = "caller_name,phone,email,project,unit,channel,call_time,agent,notes,people,category_hint\n"


async def test_csv_batch_is_all_or_nothing_and_names_every_bad_cell(pipeline):
    p = pipeline
    good = '张女士,13700000001,,枫丹苑,2栋,phone,2026-11-23T09:30:00+08:00,a1,"电梯经常停运",1,\n'
    bad = '李先生,not-a-phone,x@y,枫丹苑,,fax,2026-11-23T09:40:00+08:00,a1,"停车场收费不合理",0,\n'
    headers = {"Authorization": "Bearer agent-token-for-tests", "Content-Type": "text/csv"}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{p.settings.intake_http_port}", timeout=30) as c:
        r = await c.post("/api/v1/phone-logs/batch", content=(CSV_HEADER + good + bad).encode(), headers=headers)
        assert r.status_code == 422
        assert {(e["row"], e["field"]) for e in r.json()["detail"]} == {(2, "phone"), (2, "email"), (2, "channel"), (2, "people")}
        r = await c.post("/api/v1/phone-logs/batch", content=(CSV_HEADER + good + good).encode(),
                         headers={**headers, "Idempotency-Key": "batch-1"})
        assert r.status_code == 202 and len(set(r.json()["source_ids"])) == 2
        again = await c.post("/api/v1/phone-logs/batch", content=(CSV_HEADER + good + good).encode(),
                             headers={**headers, "Idempotency-Key": "batch-1"})
        assert again.json() == r.json()
    await eventually(lambda: len_is(p.cases(), 2))
    assert len(await p.cases()) == 2


async def len_is(coro, n):
    return len(await coro) == n


async def test_openapi_describes_the_phone_log_api(pipeline):
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{pipeline.settings.intake_http_port}") as c:
        paths = (await c.get("/openapi.json")).json()["paths"]
        form = await c.get("/phone-log")
    assert {"/api/v1/phone-logs", "/api/v1/phone-logs/batch"} <= set(paths)
    assert form.status_code == 200 and "/api/v1/phone-logs" in form.text and "Idempotency-Key" in form.text
