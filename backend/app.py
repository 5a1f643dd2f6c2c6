"""FastAPI application factory (no work at import time: `create_app()` builds everything).

`create_app(settings)` takes explicit settings (tests pass their own); without them it reads the
environment once (`get_settings()`). Each app owns its database engine (`app.state.db`).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from backend import __version__
from backend.settings import Settings, get_settings

if TYPE_CHECKING:
    from backend.batch.executor import Executor

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


def create_app(settings: Settings | None = None, *, batch_executor: Executor | None = None) -> FastAPI:
    """`batch_executor`: where batch files are checked (default: a process pool the app owns)."""
    from backend.api import api_router
    from backend.api.errors import install_error_handlers
    from backend.api.routes.addin import config_router as addin_config
    from backend.api.routes.addin import public as addin_public
    from backend.api.routes.auth import well_known
    from backend.auth.identity import Identity
    from backend.batch_dispatcher import BatchDispatcher
    from backend.db.engine import Database
    from backend.security.headers import install_security

    settings = settings or get_settings()
    db = Database.from_url(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        _warn_if_not_migrated(settings)
        # batches run in the background of this process (their checks in worker processes)
        dispatcher = BatchDispatcher(database=db, settings=settings, executor=batch_executor)
        app.state.batch_dispatcher = dispatcher
        dispatcher.start()
        # What exists now (modules, routes, settings) lives as long as the process: keep the garbage
        # collector from walking it again at every full collection (a pause of 0.1-0.5 s of every
        # request on a loaded 2-core machine; bench/service_concurrency.py).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            await run_in_threadpool(dispatcher.stop)
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
    app.state.identity = Identity(settings)
    install_error_handlers(app)
    install_security(app, settings)
    app.include_router(api_router())
    app.include_router(well_known)
    app.include_router(addin_config)  # /api/v1/auth/config: how the task pane signs in
    app.include_router(addin_public)  # /manifest.xml and /taskpane/: public, Word loads them before sign-in

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:  # async: answered on the event loop, no worker thread needed
        """Liveness probe: public by design."""
        return {"status": "ok", "version": __version__}

    return app
