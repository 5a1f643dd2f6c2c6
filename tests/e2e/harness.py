"""What the end-to-end test of the task pane needs: the built pane, Debian's Chromium, a real server
(tests/serverharness.py) with a local account enrolled in TOTP, and the stand-in Word page."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyotp

from tests.serverharness import REPO, Server

E2E = Path(__file__).resolve().parent
TASKPANE = REPO / "addin" / "taskpane"
CHROMIUM = os.environ.get("PATENTPANE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts" / "e2e"
OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"


def ensure_taskpane_built() -> Path:
    """addin/taskpane/dist (`make test` builds it first; built here when missing)."""
    dist = TASKPANE / "dist"
    if not (dist / "index.html").is_file():
        npm = shutil.which("npm")
        assert npm, "npm is needed to build the task pane (Node.js 20): `make addin`"
        if not (TASKPANE / "node_modules").is_dir():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=TASKPANE, check=True)
        subprocess.run([npm, "run", "build"], cwd=TASKPANE, check=True)
    return dist


def chromium() -> str:
    assert Path(CHROMIUM).is_file(), (
        f"Debian's Chromium is needed at {CHROMIUM} for the end-to-end test: `make system-deps` installs it "
        "(apt-get install chromium)"
    )
    return CHROMIUM


def cli(server: Server, *args: str) -> str:
    """`patentpane ARGS` against the server's data directory and database; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "backend.cli", *args], cwd=REPO, env=server.env, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@dataclass(frozen=True, slots=True)
class Account:
    email: str
    password: str
    secret: str
    enrolled_at: float

    def code(self) -> str:
        """A code of the step after enrolment's (each step's code is accepted once; the server takes
        the current step and its neighbours)."""
        return pyotp.TOTP(self.secret).at(self.enrolled_at + 30)


def enrolled_account(server: Server, *, email: str = "ann@smith.example", tenant: str = "Smith LLP") -> Account:
    """A local attorney account with TOTP enrolled, made with the server's own command line."""
    password = cli(server, "users", "add", email, "--role", "attorney", "--tenant", tenant).strip()
    shown = cli(server, "users", "enrol-totp", email, "--tenant", tenant)
    uri = next(line for line in shown.splitlines() if line.startswith("otpauth://"))
    secret = pyotp.parse_uri(uri).secret
    enrolled_at = time.time()
    cli(server, "users", "enrol-totp", email, "--tenant", tenant, "--code", pyotp.TOTP(secret).at(enrolled_at))
    return Account(email=email, password=password, secret=secret, enrolled_at=enrolled_at)


def host_page(*, pane_url: str, docx: bytes, paragraphs: list[str], requirements: dict[str, str],
              file_name: str = "widget-application.docx", pane_width: int = 350) -> str:
    """The stand-in Word page around the task pane."""
    setup = {
        "paneUrl": pane_url,
        "docx": base64.b64encode(docx).decode(),
        "paragraphs": paragraphs,
        "requirements": requirements,
        "fileName": file_name,
    }
    template = (E2E / "word_host.html").read_text(encoding="utf-8")
    return (
        template.replace("{{PANE_WIDTH}}", str(pane_width))
        .replace("{{SETUP}}", json.dumps(setup).replace("</", "<\\/"))
        .replace("{{HOST_JS}}", (E2E / "word_host.js").read_text(encoding="utf-8"))
    )


def office_standin() -> str:
    return (E2E / "office_standin.js").read_text(encoding="utf-8")
