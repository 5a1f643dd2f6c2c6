"""FastAPI application factory (no work at import time: `create_app()` builds everything)."""

from __future__ import annotations

from fastapi import FastAPI

from backend import __version__


def create_app() -> FastAPI:
    app = FastAPI(title="PatentPane", version=__version__, docs_url="/api/docs", openapi_url="/api/openapi.json")

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness probe: public by design."""
        return {"status": "ok", "version": __version__}

    return app
