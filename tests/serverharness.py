"""A real server in a subprocess (`patentpane serve` on a free loopback port) for the restart test and
bench/service_concurrency.py: its own data directory and database (migrated here), API keys."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    data_dir: Path
    database_url: str
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PATENTPANE_") and k != "DATABASE_URL"}
        return env | {"PATENTPANE_DATA_DIR": str(self.data_dir), "DATABASE_URL": self.database_url,
                      "PYTHONPATH": str(REPO)} | self.extra_env

    def migrate(self) -> None:
        from backend.db.migrate import upgrade

        upgrade(url=self.database_url)

    def api_key(self, *, tenant: str | None = None, role: str = "admin") -> str:
        from backend.auth.apikeys import create_api_key
        from backend.db.engine import Database

        database = Database.from_url(self.database_url)
        try:
            with database.session() as session:
                return create_api_key(session, tenant_name=tenant or f"Firm {uuid.uuid4().hex[:8]}",
                                      email=f"{uuid.uuid4().hex[:8]}@firm.example", role=role).secret
        finally:
            database.dispose()

    def start(self, *, timeout: float = 90) -> None:
        log = open(self.data_dir / f"server-{self.port}.log", "ab")  # noqa: SIM115 -- lives with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--no-tls"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}: {self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"the server did not answer /health within {timeout} s: {self.log_tail()}")

    def log_tail(self) -> str:
        path = self.data_dir / f"server-{self.port}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the server and everything it started (its worker processes), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self, *, timeout: float = 30) -> None:
        """Ctrl-C: uvicorn shuts down gracefully (the app's lifespan stops the dispatcher)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def running_server(*, data_dir: Path, database_url: str | None = None, **env: str) -> Iterator[Server]:
    """A migrated server on a fresh SQLite database (or `database_url`); `env`: extra PATENTPANE_*."""
    server = Server(data_dir=data_dir, database_url=database_url or f"sqlite:///{data_dir / 'patentpane.db'}",
                    extra_env=env)
    server.migrate()
    server.start()
    try:
        yield server
    finally:
        server.stop()
