"""What the claims-assistant tests share: a small phrase model built from the committed corpus
sample (so the suite needs neither ../shared nor a built artifact)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from backend.assistant import build_phrase_model, save_phrase_model
from backend.nlp.suggestions.phrases import PhraseModel
from tests.helpers import sample_corpus


@lru_cache(maxsize=1)
def sample_phrase_model() -> PhraseModel:
    """Learnt from every claim of the sample (held-out documents included: the tests are not a bench)."""
    return build_phrase_model(sample_corpus(), include_held_out=True)


def install_sample_model(data_dir: Path) -> Path:
    """Write the sample model where a server with this data dir looks for the artifact."""
    path = data_dir / "assist" / "phrases.json.gz"
    if not path.exists():
        save_phrase_model(sample_phrase_model(), path)
    return path
