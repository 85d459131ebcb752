"""Start Dovecot from Debian's package as a test IMAP server on a free loopback port.

The configuration follows ../shared/tools/dovecot-test.conf: plaintext auth on loopback, a
passwd-file user, maildir storage, and mail accessed as the system user ``mail`` because Dovecot
refuses uid 0.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from shared.natsserver import free_port, wait_for_port

CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
instance_name = cd-test-{port}
log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 8
mail_location = maildir:{d}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={d}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""


def dovecot_available() -> bool:
    return shutil.which("dovecot") is not None or Path("/usr/sbin/dovecot").exists()


class DovecotServer:
    def __init__(self, user: str = "service", password: str = "service") -> None:
        # Dovecot's auth process runs as the dovecot user and must traverse every parent folder,
        # which pytest's private (0700) temporary folders forbid; so the server gets its own.
        self.base_dir = Path(tempfile.mkdtemp(prefix="cd-dovecot-"))
        self.base_dir.chmod(0o755)
        self.user, self.password = user, password
        self.port = free_port()
        self.conf = self.base_dir / "dovecot.conf"

    def start(self) -> "DovecotServer":
        d = self.base_dir
        for sub in ("run", "state", "mail", "home"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        (d / "users").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        self.conf.write_text(CONF.format(d=d, port=self.port))
        shutil.chown(d / "mail", "mail", "mail")
        shutil.chown(d / "home", "mail", "mail")
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        subprocess.run([binary, "-c", str(self.conf)], check=True)
        wait_for_port(self.port)
        self._wait_for_auth()
        return self

    def _wait_for_auth(self) -> None:
        deadline = time.monotonic() + 15
        while True:
            try:
                self.client().logout()
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        binary = shutil.which("doveadm") or "/usr/bin/doveadm"
        subprocess.run([binary, "-c", str(self.conf), "stop"], check=False, capture_output=True)
        shutil.rmtree(self.base_dir, ignore_errors=True)

    def client(self):
        from imapclient import IMAPClient

        c = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        c.login(self.user, self.password)
        return c
