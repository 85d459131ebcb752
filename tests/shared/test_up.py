import socket

from shared.natsserver import free_port
from shared.settings import load
from shared.up import api_token, busy_ports


def test_busy_port_is_named_by_its_setting():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        others = {f"COMPLAINTDESK_{n}": str(free_port()) for n in
                  ("INTAKE_HTTP_PORT", "SANDBOX_SMTP_PORT", "SANDBOX_IMAP_PORT", "SANDBOX_SINK_PORT")}
        problems = busy_ports(load({**others, "COMPLAINTDESK_TRACKER_HTTP_PORT": str(port)}))
    assert problems == [f"COMPLAINTDESK_TRACKER_HTTP_PORT: port {port} is already in use"]


def test_api_token_is_created_once_and_private(tmp_path):
    first = api_token(tmp_path)
    assert first == api_token(tmp_path) and len(first) >= 24
    assert (tmp_path / "api-token").stat().st_mode & 0o077 == 0
