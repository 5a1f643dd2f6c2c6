"""The HTTP API (`/api/v1`): routes are thin; the work is in the service modules of `backend`."""

from __future__ import annotations

from fastapi import APIRouter

API_PREFIX = "/api/v1"


def api_router() -> APIRouter:
    from backend.api.routes import (
        account,
        assist,
        auth,
        batches,
        check,
        claims,
        draft,
        graph,
        keys,
        rules,
        users,
    )

    router = APIRouter(prefix=API_PREFIX)
    for module in (check, claims, assist, draft, rules, account, batches, auth, keys, users, graph):
        router.include_router(module.router)
    return router
