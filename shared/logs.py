"""Configure structlog for one process: JSON off a terminal, personal data masked everywhere.

Only entry points call ``configure``; modules merely ``structlog.get_logger()``. The masking
processor rewrites mail addresses and phone numbers in every event value, so a careless
``log.info(..., sender=addr)`` still never writes personal data in clear (SPEC §8).
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys

import structlog

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+-])\+?\d[\d -]{5,}\d(?![\w-])")
# Keys whose whole value is personal (a name, an address), masked regardless of its shape.
PERSONAL_KEYS = frozenset({"name", "sender", "sender_name", "customer", "customer_name", "email",
                           "phone", "address", "to", "from_addr", "recipient", "recipients"})


# Keys whose values are our own identifiers (never personal), left as they are so logs stay useful.
SAFE_KEYS = frozenset({"event", "level", "timestamp", "service", "source_id", "case", "seq", "clock",
                       "outbox", "consumer", "attempt", "rules", "port", "url", "host"})


def pseudonym(value: str) -> str:
    """A short stable hash, so one person's events can be linked without naming them."""
    return "anon:" + hashlib.sha256(value.strip().lower().encode()).hexdigest()[:10]


def mask_text(text: str) -> str:
    text = _EMAIL.sub(lambda m: pseudonym(m.group()), text)
    return _PHONE.sub(lambda m: pseudonym(re.sub(r"\D", "", m.group())), text)


def _mask(value):
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_mask(v) for v in value)
    return value


def mask_personal_data(_logger, _name, event_dict):
    for key, value in list(event_dict.items()):
        if key in SAFE_KEYS:
            continue
        if key in PERSONAL_KEYS and value:
            event_dict[key] = [pseudonym(str(v)) for v in value] if isinstance(value, (list, tuple)) else pseudonym(str(value))
        else:
            event_dict[key] = _mask(value)
    return event_dict


def configure(service: str, level: str = "info", fmt: str = "auto") -> None:
    """Set up structlog (and stdlib logging underneath) for this process."""
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer = structlog.processors.JSONRenderer(ensure_ascii=False) if use_json else structlog.dev.ConsoleRenderer()
    numeric = getattr(logging, level.upper())
    logging.basicConfig(level=numeric, stream=sys.stderr, format="%(message)s")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            mask_personal_data,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    # aiosmtpd logs every SMTP dialogue line (with addresses) at INFO; only its warnings matter here.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    structlog.contextvars.bind_contextvars(service=service)
