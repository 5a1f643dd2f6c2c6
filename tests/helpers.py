"""Helpers shared by the tests."""

from __future__ import annotations

from collections.abc import Iterator

from backend.nlp.config import CheckConfig
from backend.nlp.document import DocumentText
from backend.nlp.engine import CheckResult, check
from tests.corpus import SAMPLE_CORPUS, read_corpus


def check_text(
    text: str, *, select: tuple[str, ...] = (), ignore: tuple[str, ...] = (), jurisdiction: str = "us"
) -> CheckResult:
    """Run the whole engine on plain text (one paragraph per line)."""
    from backend.wordlists import load_wordlists

    config = CheckConfig.build(jurisdiction=jurisdiction, select=select, ignore=ignore)
    return check(DocumentText.from_text(text), config=config, wordlists=load_wordlists())


def sample_corpus() -> Iterator[dict]:
    """The committed sample of real patents (always present, also in CI)."""
    return read_corpus(SAMPLE_CORPUS)
