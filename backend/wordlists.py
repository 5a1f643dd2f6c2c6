"""Load the word lists rules use: package defaults plus a firm's own directory.

A list is a text file NAME.txt, one entry per line; "#" starts a comment. A firm's file of the same
name adds entries, and a line "-entry" removes a default entry. Files only the firm has become new
lists.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from backend.nlp.rules.base import WordLists

DEFAULT_DIR = Path(__file__).parent / "nlp" / "wordlists"


def _read(path: Path) -> list[str]:
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            entries.append(line)
    return entries


def load_wordlists(extra_dir: Path | None = None) -> WordLists:
    return _load(DEFAULT_DIR, extra_dir.resolve() if extra_dir else None)


@lru_cache(maxsize=8)
def _load(default_dir: Path, extra_dir: Path | None) -> WordLists:
    lists: dict[str, list[str]] = {p.stem: _read(p) for p in sorted(default_dir.glob("*.txt"))}
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise FileNotFoundError(f"word list directory not found: {extra_dir}")
        for path in sorted(extra_dir.glob("*.txt")):
            entries = lists.setdefault(path.stem, [])
            for entry in _read(path):
                if entry.startswith("-"):
                    removed = entry[1:].strip().lower()
                    entries[:] = [e for e in entries if e.lower() != removed]
                elif entry.lower() not in (e.lower() for e in entries):
                    entries.append(entry)
    return WordLists({name: tuple(entries) for name, entries in lists.items()})
