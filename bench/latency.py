"""Measure mail → acknowledgement and phone log → case latency on a real `complaintdesk up`.

Starts `complaintdesk up` in a fresh data folder on free ports (embedded NATS, sandbox IMAP/SMTP,
SQLite), sends N mails to the sandbox SMTP port and N phone logs to the API one at a time, and
prints the median, p90 and max of each. Run: .venv/bin/python bench/latency.py [N]
"""

from __future__ import annotations

import os
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

import httpx

from shared.natsserver import free_port, wait_for_port


def start(data: Path) -> tuple[subprocess.Popen, dict]:
    ports = {k: free_port() for k in ("SANDBOX_SMTP_PORT", "SANDBOX_IMAP_PORT", "SANDBOX_SINK_PORT",
                                      "INTAKE_HTTP_PORT", "TRACKER_HTTP_PORT")}
    env = {**os.environ, "COMPLAINTDESK_DATA_DIR": str(data), "COMPLAINTDESK_LOG_LEVEL": "warning",
           **{f"COMPLAINTDESK_{k}": str(v) for k, v in ports.items()}}
    proc = subprocess.Popen([sys.executable, "-m", "shared.cli", "up"], env=env, stderr=subprocess.DEVNULL)
    for port in ports.values():
        wait_for_port(port, timeout=60)
    return proc, ports


def wait_for(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.01)
    raise TimeoutError("no result")


def mail_latency(ports, sent_dir: Path, n: int) -> list[float]:
    out = []
    for i in range(n):
        tag = uuid.uuid4().hex[:8]
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = f"bench{tag}@customer.test", "service@complaintdesk.local", f"漏水 {tag}"
        msg.set_content("卫生间天花板漏水，请尽快派人维修。")
        before = set(sent_dir.glob("*.eml")) if sent_dir.exists() else set()
        t0 = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", ports["SANDBOX_SMTP_PORT"]) as s:
            s.send_message(msg)
        wait_for(lambda: any(f"bench{tag}@" in p.read_text(errors="replace") for p in set(sent_dir.glob("*.eml")) - before))
        out.append(time.perf_counter() - t0)
    return out


def phone_latency(ports, token: str, n: int) -> list[float]:
    out = []
    intake = httpx.Client(base_url=f"http://127.0.0.1:{ports['INTAKE_HTTP_PORT']}", headers={"Authorization": f"Bearer {token}"})
    tracker = httpx.Client(base_url=f"http://127.0.0.1:{ports['TRACKER_HTTP_PORT']}", headers={"Authorization": f"Bearer {token}"})
    for i in range(n):
        body = {"caller_name": "王先生", "phone": f"1380013{i:04d}", "project": "翠湖天地", "channel": "phone",
                "call_time": "2026-11-23T10:00:00+08:00", "agent": "a1", "notes": "客户来电反映车库积水。", "people": 1}
        t0 = time.perf_counter()
        r = intake.post("/api/v1/phone-logs", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
        r.raise_for_status()
        sid = r.json()["source_id"]
        wait_for(lambda: tracker.get("/api/v1/cases", params={"source_id": sid}).json())
        out.append(time.perf_counter() - t0)
    return out


def summary(name: str, xs: list[float]) -> str:
    xs = sorted(xs)
    return (f"{name}: n={len(xs)} median={statistics.median(xs) * 1000:.0f} ms "
            f"p90={xs[int(0.9 * (len(xs) - 1))] * 1000:.0f} ms max={xs[-1] * 1000:.0f} ms")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    data = Path(tempfile.mkdtemp(prefix="cd-bench-"))
    proc, ports = start(data)
    try:
        token = wait_for(lambda: (data / "api-token").exists() and (data / "api-token").read_text().strip())
        wait_for(lambda: httpx.get(f"http://127.0.0.1:{ports['TRACKER_HTTP_PORT']}/healthz").status_code == 200, 60)
        mail_latency(ports, data / "sandbox" / "sent", 2)  # warm-up, not counted
        print(summary("mail -> acknowledgement", mail_latency(ports, data / "sandbox" / "sent", n)))
        print(summary("phone log -> case in API", phone_latency(ports, token, n)))
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)


if __name__ == "__main__":
    main()
