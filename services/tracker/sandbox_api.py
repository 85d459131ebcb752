"""Show the mails the sandbox sink kept, so a user trying ComplaintDesk locally can read what we sent."""

from __future__ import annotations

from email import message_from_bytes, policy

from fastapi import APIRouter, Depends, Request

from shared.auth import require

sandbox_router = APIRouter(prefix="/api/v1/sandbox")


@sandbox_router.get("/mails")
def sandbox_mails(request: Request, limit: int = 50, _=Depends(require("handler"))) -> list[dict]:
    folder = request.app.state.sandbox_dir
    files = sorted(folder.glob("*.eml"), reverse=True)[:limit] if folder.exists() else []
    out = []
    for path in files:
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        body = msg.get_body(("plain",))
        out.append({"file": path.name, "to": msg["To"], "subject": msg["Subject"], "message_id": msg["Message-ID"],
                    "auto_submitted": msg["Auto-Submitted"], "body": body.get_content() if body else ""})
    return out
