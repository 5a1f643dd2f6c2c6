"""Persistence: models (`models.py`), engines and sessions (`engine.py`), migrations (`migrate.py`)."""

from backend.db.engine import Database, create_db_engine, normalise_url

__all__ = ["Database", "create_db_engine", "normalise_url"]
