from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from services.tracker import mails

SH = ZoneInfo("Asia/Shanghai")


def test_a_midnight_deadline_reads_as_the_end_of_the_day_before():
    assert mails.local_time(datetime(2026, 11, 24, 16, 0, tzinfo=timezone.utc), SH) == "2026-11-24 24:00"
    assert mails.local_time(datetime(2026, 11, 24, 2, 30, tzinfo=timezone.utc), SH) == "2026-11-24 10:30"


def test_templates_exist_in_both_languages_and_start_with_a_subject():
    for name in ("acknowledgement", "leadership_report", "leadership_update", "escalation", "handler_reply"):
        for lang in ("zh", "en"):
            source = mails._env.loader.get_source(mails._env, f"{name}.{lang}.txt")[0]
            assert source.splitlines()[0].strip(), (name, lang)
