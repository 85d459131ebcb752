"""Check the bearer token of an API request against the configured tokens and their roles.

Tokens are compared in constant time. An admin may do everything; otherwise the role must be one
the endpoint names. The caller's identity (a hash of the token, never the token) is returned so
actions and case reads can be attributed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Mapping

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Caller:
    actor: str
    role: str


def _match(tokens: Mapping[str, str], presented: str) -> str | None:
    role = None
    for token, token_role in tokens.items():
        if hmac.compare_digest(token.encode(), presented.encode()):
            role = token_role
    return role


def require(*roles: str):
    """A FastAPI dependency admitting callers whose token has one of ``roles`` (or admin)."""

    def dependency(request: Request, cred: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Caller:
        if cred is None:
            raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
        role = _match(request.app.state.tokens, cred.credentials)
        if role is None:
            raise HTTPException(401, "unknown token", headers={"WWW-Authenticate": "Bearer"})
        if role != "admin" and role not in roles:
            raise HTTPException(403, f"role {role!r} may not do this; needs one of {list(roles)}")
        actor = f"{role}:{hashlib.sha256(cred.credentials.encode()).hexdigest()[:8]}"
        return Caller(actor=actor, role=role)

    return dependency
