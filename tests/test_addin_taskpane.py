"""The task pane's own unit tests (addin/taskpane/test: its Office calls against office-addin-mock,
and its pure helpers), run with `npm test` (type check, esbuild, node --test)."""

from __future__ import annotations

import shutil
import subprocess

from tests.e2e.harness import TASKPANE


def test_the_task_pane_unit_tests_pass():
    npm = shutil.which("npm")
    assert npm, "npm (Node.js 20) is needed for the task pane's tests"
    if not (TASKPANE / "node_modules").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=TASKPANE, check=True, timeout=600)
    done = subprocess.run([npm, "test"], cwd=TASKPANE, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and "# pass 0" not in done.stdout
