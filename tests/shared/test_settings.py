import pytest

from shared.settings import ConfigError, documentation_table, load


def test_defaults_load_and_name_the_sandbox():
    s = load({})
    assert s.sandbox and s.imap_poll_seconds <= 30 and s.imap_idle_seconds < 29 * 60
    assert s.database_url("tracker").endswith("tracker.sqlite3")


@pytest.mark.parametrize("name,value,fragment", [
    ("IMAP_PORT", "abc", "COMPLAINTDESK_IMAP_PORT"),
    ("SMTP_PORT", "70000", "COMPLAINTDESK_SMTP_PORT"),
    ("IMAP_SSL", "maybe", "COMPLAINTDESK_IMAP_SSL"),
    ("API_TOKENS", "abc:superuser", "COMPLAINTDESK_API_TOKENS"),
    ("LOG_LEVEL", "loud", "COMPLAINTDESK_LOG_LEVEL"),
    ("WARNING_FRACTION", "1.5", "COMPLAINTDESK_WARNING_FRACTION"),
])
def test_a_bad_setting_fails_with_its_name(name, value, fragment):
    with pytest.raises(ConfigError, match=fragment):
        load({f"COMPLAINTDESK_{name}": value})


def test_imap_host_without_user_is_refused():
    with pytest.raises(ConfigError, match="COMPLAINTDESK_IMAP_USER"):
        load({"COMPLAINTDESK_IMAP_HOST": "imap.example.com"})


def test_service_database_override_wins():
    s = load({"COMPLAINTDESK_DATABASE_URL": "postgresql://x/y", "COMPLAINTDESK_TRACKER_DATABASE_URL": "sqlite:///t.db"})
    assert s.database_url("tracker") == "sqlite:///t.db" and s.database_url("intake") == "postgresql://x/y"


def test_tokens_parse_roles():
    assert load({"COMPLAINTDESK_API_TOKENS": "a:agent, b:handler"}).api_tokens == {"a": "agent", "b": "handler"}


def test_documentation_table_lists_every_setting():
    table = documentation_table()
    assert "COMPLAINTDESK_IMAP_HOST" in table and "COMPLAINTDESK_WARNING_FRACTION" in table
