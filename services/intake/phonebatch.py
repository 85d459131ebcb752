"""Import a CSV batch of phone logs: every row validated first, then all published, or none.

The CSV header names the fields of a JSON phone log (``caller_name,phone,email,project,unit,
channel,call_time,agent,notes,people,category_hint``); empty cells are absent values. One bad cell
anywhere answers 422 listing every bad cell by row and field, and nothing is published. Row ``n``
of a batch sent with ``Idempotency-Key: K`` is published under the key ``K:n``, so re-sending the
same file is safe.
"""

from __future__ import annotations

import csv
import io
import uuid

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from pydantic import BaseModel, ValidationError

from services.intake.phonelogs import PhoneLog, accept
from shared.auth import Caller, require

router = APIRouter(prefix="/api/v1")
MAX_ROWS = 5000


class BatchAccepted(BaseModel):
    source_ids: list[str]


def parse_rows(text: str) -> tuple[list[PhoneLog], list[dict]]:
    logs, errors = [], []
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        cells = {k.strip(): v.strip() for k, v in row.items() if k and v is not None and v.strip() != ""}
        try:
            logs.append(PhoneLog.model_validate(cells))
        except ValidationError as exc:
            errors += [{"row": number, "field": ".".join(map(str, e["loc"])) or "row", "msg": e["msg"]}
                       for e in exc.errors()]
    return logs, errors


@router.post("/phone-logs/batch", status_code=202, response_model=BatchAccepted,
             openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}})
async def import_batch(request: Request, idempotency_key: str | None = Header(default=None, max_length=200),
                       caller: Caller = Depends(require("agent"))) -> BatchAccepted:
    try:
        text = (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HTTPException(422, [{"row": None, "field": "body", "msg": "the CSV must be UTF-8"}]) from None
    logs, errors = parse_rows(text)
    if not logs and not errors:
        errors = [{"row": None, "field": "body", "msg": "no rows under the header"}]
    if len(logs) + len(errors) > MAX_ROWS:
        errors = [{"row": None, "field": "body", "msg": f"at most {MAX_ROWS} rows per batch"}]
    if errors:
        raise HTTPException(422, errors)
    key = idempotency_key or uuid.uuid4().hex
    return BatchAccepted(source_ids=[await accept(request.app.state, log, f"{key}:{n}")
                                     for n, log in enumerate(logs, start=1)])
