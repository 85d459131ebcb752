"""Render the tracker's mails from Jinja2 templates and queue them in the outbox, in the caller's transaction.

Jinja2 is used because templates are the company's to change, not code; the first line of each
template is the subject. Queuing writes the outbox row (and, for a customer mail, its Message-ID as
a thread id of the case) in the same session as the case change that caused it, so the mail exists
exactly when the change is committed. The Message-ID is derived from the dedupe key, so it is
stable across retries and a receiving server can recognize a repeat.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlmodel import Session

from services.tracker.models import Case, Outbox, ThreadId

_env = Environment(loader=PackageLoader("services.tracker", "templates"), undefined=StrictUndefined,
                   autoescape=False, keep_trailing_newline=True)

LABELS = {
    "zh": {"complaint": "投诉", "inquiry": "咨询", "feedback": "反馈建议",
           "construction_quality": "工程质量类", "sales": "销售管理类", "property_management": "物业管理类",
           "customer_service": "客户服务类", "other": "其他类",
           "major": "重大", "important": "重要", "general": "一般",
           "first_reply": "24小时内首次答复", "resolution": "限期解决或答复方案", "progress": "定期通报进度",
           "follow_up": "解决后24小时内回访", "evaluation": "7个工作日内服务评价",
           "warning": "预警", "breach": "超时升级", "leadership": "超时报告公司领导",
           "step_reply": "已答复客户", "step_plan": "处理方案", "step_progress": "处理进度", "step_wait": "等待客户",
           "step_resolve": "处理结果"},
    "en": {"complaint": "complaint", "inquiry": "inquiry", "feedback": "feedback",
           "construction_quality": "construction quality", "sales": "sales", "property_management": "property management",
           "customer_service": "customer service", "other": "other",
           "major": "major", "important": "important", "general": "general",
           "first_reply": "first reply within 24 hours", "resolution": "resolution or plan in time",
           "progress": "regular progress updates", "follow_up": "follow-up within 24 hours of resolution",
           "evaluation": "service evaluation within 7 working days",
           "warning": "Warning", "breach": "Overdue", "leadership": "Overdue, reported to leadership",
           "step_reply": "customer answered", "step_plan": "plan", "step_progress": "progress",
           "step_wait": "waiting for the customer", "step_resolve": "result"},
}


def label(lang: str, key: str) -> str:
    return LABELS.get(lang, LABELS["en"]).get(key, key)


def render(template: str, lang: str, **ctx) -> tuple[str, str]:
    text = _env.get_template(f"{template}.{lang}.txt").render(**ctx)
    subject, _, body = text.partition("\n")
    return subject.strip(), body.lstrip("\n")


def local_time(when: datetime | None, tz: ZoneInfo) -> str:
    """A local time for people; a deadline at midnight reads as the end of the day before (24:00)."""
    if when is None:
        return "-"
    local = when.astimezone(tz)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return (local - timedelta(days=1)).strftime("%Y-%m-%d") + " 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


def message_id_for(dedupe_key: str, domain: str) -> str:
    return f"cd.{hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]}@{domain}"


def queue(session: Session, *, case: Case | None, kind: str, dedupe_key: str, recipients: list[str],
          subject: str, body: str, now: datetime, domain: str, in_reply_to: str | None = None,
          references: list[str] | None = None, auto_submitted: str = "auto-generated",
          threads: bool = False) -> Outbox:
    """Add one outbox row (the caller commits it with its own change)."""
    row = Outbox(dedupe_key=dedupe_key, case_id=case.id if case else None, kind=kind,
                 recipients=recipients, subject=subject, body=body,
                 message_id=message_id_for(dedupe_key, domain), in_reply_to=in_reply_to,
                 references=references or [], auto_submitted=auto_submitted, created_at=now,
                 next_attempt_at=now)
    session.add(row)
    if threads and case is not None:
        session.add(ThreadId(message_id=row.message_id, case_id=case.id))
    return row
