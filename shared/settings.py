"""Read and validate every ComplaintDesk setting from the environment, once, at start-up.

Every setting is an environment variable named ``COMPLAINTDESK_<NAME>``. A bad value stops the
process with an error that names the variable, so a mistyped port or address is found at start-up
and not at the first mail. The README's settings table is generated from ``FIELDS`` below
(``complaintdesk settings``), so the documentation cannot drift from the code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

PREFIX = "COMPLAINTDESK_"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message starts with the variable's name."""


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{name}: expected a whole number, got {raw!r}") from None


def _float(name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{name}: expected a number, got {raw!r}") from None


def _bool(name: str, raw: str) -> bool:
    low = raw.strip().lower()
    if low in {"1", "true", "yes", "on"}:
        return True
    if low in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{PREFIX}{name}: expected true or false, got {raw!r}")


def _list(name: str, raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _tokens(name: str, raw: str) -> dict[str, str]:
    roles = {"agent", "handler", "admin"}
    out: dict[str, str] = {}
    for item in _list(name, raw):
        token, sep, role = item.rpartition(":")
        if not sep or not token or role not in roles:
            raise ConfigError(f"{PREFIX}{name}: each entry must be TOKEN:ROLE with ROLE one of "
                              f"{sorted(roles)}, got {item!r}")
        out[token] = role
    return out


def _str(name: str, raw: str) -> str:
    return raw


@dataclass(frozen=True)
class Field:
    name: str
    default: str
    parse: Callable[[str, str], Any]
    meaning: str


FIELDS: tuple[Field, ...] = (
    Field("DATA_DIR", "./var", _str, "Folder for local data: SQLite files, embedded NATS store, sandbox mail."),
    Field("NATS_URL", "", _str, "NATS server URL. Empty: `up` starts an embedded nats-server; a single service uses nats://127.0.0.1:4222."),
    Field("DATABASE_URL", "", _str, "SQLAlchemy URL for every service's store (tables are prefixed per service). Empty: one SQLite file per service in DATA_DIR."),
    Field("INTAKE_DATABASE_URL", "", _str, "Overrides DATABASE_URL for intake."),
    Field("CLASSIFIER_DATABASE_URL", "", _str, "Overrides DATABASE_URL for the classifier."),
    Field("TRACKER_DATABASE_URL", "", _str, "Overrides DATABASE_URL for the tracker."),
    Field("IMAP_HOST", "", _str, "Service mailbox IMAP host. Empty: `up` runs a local mail sandbox."),
    Field("IMAP_PORT", "993", _int, "IMAP port."),
    Field("IMAP_SSL", "true", _bool, "Use IMAP over TLS."),
    Field("IMAP_USER", "", _str, "IMAP login."),
    Field("IMAP_PASSWORD", "", _str, "IMAP password."),
    Field("IMAP_MAILBOX", "INBOX", _str, "Folder intake reads."),
    Field("IMAP_PROCESSED_FOLDER", "Processed", _str, "Folder a mail is moved to once JetStream has acknowledged it."),
    Field("IMAP_FAILED_FOLDER", "Failed", _str, "Folder an unparsable mail is moved to (kept and reported)."),
    Field("IMAP_POLL_SECONDS", "20", _float, "Polling interval without IDLE; with IDLE, the longest wait before a safety catch-up pass."),
    Field("IMAP_IDLE_SECONDS", "540", _float, "How long one IDLE lasts before it is renewed (well inside 29 minutes)."),
    Field("SMTP_HOST", "", _str, "Outgoing SMTP host. Empty with no IMAP_HOST: the sandbox sink."),
    Field("SMTP_PORT", "25", _int, "Outgoing SMTP port."),
    Field("SMTP_STARTTLS", "false", _bool, "Issue STARTTLS before sending."),
    Field("SMTP_USER", "", _str, "SMTP login (empty: no AUTH)."),
    Field("SMTP_PASSWORD", "", _str, "SMTP password."),
    Field("OUTBOX_CLAIM_SECONDS", "120", _float, "How long a sender owns an outbox row it is sending before another may retry it (after a crash)."),
    Field("MAIL_FROM", "service@complaintdesk.local", _str, "Address our mails come from (the service mailbox)."),
    Field("LEADERSHIP_EMAILS", "leadership@complaintdesk.local", _list, "Comma-separated leadership addresses for escalations and reports."),
    Field("LEAD_EMAILS", "lead@complaintdesk.local", _list, "Comma-separated handlers' lead addresses for first-level escalations."),
    Field("API_TOKENS", "", _tokens, "Comma-separated TOKEN:ROLE (agent, handler, admin). Empty: `up` creates one admin token in DATA_DIR/api-token."),
    Field("INTAKE_HTTP_PORT", "8081", _int, "Port of intake's phone-log API."),
    Field("TRACKER_HTTP_PORT", "8080", _int, "Port of the tracker's case API."),
    Field("HTTP_HOST", "127.0.0.1", _str, "Interface the HTTP APIs listen on."),
    Field("SANDBOX_SMTP_PORT", "2525", _int, "Sandbox: SMTP port whose mail lands in the service mailbox."),
    Field("SANDBOX_IMAP_PORT", "1143", _int, "Sandbox: port of the local IMAP server (pymap) holding the service mailbox."),
    Field("SANDBOX_SINK_PORT", "2526", _int, "Sandbox: SMTP port of the sink that keeps every mail we send."),
    Field("TIMEZONE", "Asia/Shanghai", _str, "Timezone of the business calendar."),
    Field("CALENDAR_COUNTRY", "CN", _str, "Country whose public holidays and make-up working days count."),
    Field("BUSINESS_HOURS", "", _str, "Working hours like 09:00-18:00; empty means whole working days."),
    Field("CALENDAR_OVERRIDE_FILE", "", _str, "TOML file with company days_off and working_days."),
    Field("RULES_FILE", "", _str, "Classifier rule file (TOML). Empty: the shipped default."),
    Field("PROJECTS_FILE", "", _str, "Classifier project list (TOML). Empty: the shipped default."),
    Field("FIRST_REPLY_HOURS", "24", _float, "First reply by a handler, in hours."),
    Field("RESOLUTION_WORKING_DAYS", "2", _float, "Resolution or plan reply, in working days."),
    Field("LEADERSHIP_ESCALATION_HOURS", "4", _float, "After a breach is escalated to the lead, hours until leadership is told."),
    Field("WARNING_FRACTION", "0.8", _float, "Share of a clock's target at which the handler is warned."),
    Field("ACK_WAIT_SECONDS", "30", _float, "How long JetStream waits for a consumer's ack before redelivering (after a crash)."),
    Field("LOG_LEVEL", "info", _str, "debug, info, warning or error."),
    Field("LOG_FORMAT", "auto", _str, "json, console, or auto (console on a terminal, JSON otherwise)."),
)


@dataclass(frozen=True)
class Settings:
    values: Mapping[str, Any]

    def __getattr__(self, item: str) -> Any:
        try:
            return self.values[item.upper()]
        except KeyError:
            raise AttributeError(item) from None

    @property
    def data_dir(self) -> Path:
        return Path(self.values["DATA_DIR"]).resolve()

    @property
    def sandbox(self) -> bool:
        """The local mail sandbox runs when no real mailbox is configured."""
        return not self.values["IMAP_HOST"]

    def database_url(self, service: str) -> str:
        specific = self.values[f"{service.upper()}_DATABASE_URL"]
        if specific or self.values["DATABASE_URL"]:
            return specific or self.values["DATABASE_URL"]
        return f"sqlite:///{self.data_dir / (service + '.sqlite3')}"

    def with_overrides(self, **changes: Any) -> "Settings":
        merged = dict(self.values)
        merged.update({k.upper(): v for k, v in changes.items()})
        return Settings(merged)


_LEVELS = {"debug", "info", "warning", "error"}
_FORMATS = {"json", "console", "auto"}


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """Parse every setting; raise ConfigError naming the first bad variable."""
    env = os.environ if environ is None else environ
    values = {f.name: f.parse(f.name, env.get(PREFIX + f.name, f.default)) for f in FIELDS}
    if values["LOG_LEVEL"] not in _LEVELS:
        raise ConfigError(f"{PREFIX}LOG_LEVEL: expected one of {sorted(_LEVELS)}, got {values['LOG_LEVEL']!r}")
    if values["LOG_FORMAT"] not in _FORMATS:
        raise ConfigError(f"{PREFIX}LOG_FORMAT: expected one of {sorted(_FORMATS)}, got {values['LOG_FORMAT']!r}")
    if not 0 < values["WARNING_FRACTION"] < 1:
        raise ConfigError(f"{PREFIX}WARNING_FRACTION: expected a number between 0 and 1")
    if values["IMAP_HOST"] and not values["IMAP_USER"]:
        raise ConfigError(f"{PREFIX}IMAP_USER: required when {PREFIX}IMAP_HOST is set")
    for port in ("IMAP_PORT", "SMTP_PORT", "INTAKE_HTTP_PORT", "TRACKER_HTTP_PORT"):
        if not 0 < values[port] < 65536:
            raise ConfigError(f"{PREFIX}{port}: {values[port]} is not a TCP port")
    return Settings(values)


def documentation_table() -> str:
    """The README's settings table, rendered from FIELDS."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{PREFIX}{f.name}` | `{f.default}` | {f.meaning} |" for f in FIELDS]
    return "\n".join(rows)
