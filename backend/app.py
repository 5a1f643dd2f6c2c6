"""FastAPI application factory (no work at import time: `create_app()` builds everything).

`create_app(settings)` takes explicit settings (tests pass their own); without them it reads the
environment once (`get_settings()`). Each app owns its database engine (`app.state.db`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from backend import __version__
from backend.settings import Settings, get_settings

logger = logging.getLogger("patentpane.app")


def _warn_if_not_migrated(settings: Settings) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from backend.db.migrate import current_revision, head_revision

    try:
        current = current_revision(url=settings.database_url)
    except SQLAlchemyError as exc:  # the server still starts; requests will answer 500 until fixed
        logger.error(
            "cannot read the database schema version (%s); run `patentpane db upgrade`", type(exc).__name__
        )
        return
    if current != head_revision():
        logger.error(
            "the database schema is at %s, not %s: run `patentpane db upgrade` (make run does)",
            current,
            head_revision(),
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    from backend.api import api_router
    from backend.api.errors import install_error_handlers
    from backend.db.engine import Database

    settings = settings or get_settings()
    db = Database.from_url(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        _warn_if_not_migrated(settings)
        yield
        db.dispose()

    app = FastAPI(
        title="PatentPane",
        version=__version__,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    install_error_handlers(app)
    app.include_router(api_router())

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness probe: public by design."""
        return {"status": "ok", "version": __version__}

    return app
