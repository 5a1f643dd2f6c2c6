"""The README's rule table is the registry's (documentation that cannot drift)."""

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_starts_with_the_two_commands():
    head = README.read_text(encoding="utf-8")[:400]
    assert "make run" in head and "make test" in head


def test_rules_table_matches_registry():
    text = README.read_text(encoding="utf-8")
    table = re.search(r"<!-- rules-table:.*?-->\n(.*?)\n<!-- /rules-table -->", text, re.DOTALL).group(1)
    generated = subprocess.run(
        [sys.executable, "-m", "backend.cli", "rules", "--format", "markdown"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert table.strip() == generated, "README rules table is stale: regenerate with `patentpane rules --format markdown`"
