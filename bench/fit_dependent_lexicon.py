"""Fit the claim-language lexicon that helps rank suggested dependent claims
(backend/nlp/suggestions/lexicon.py) and write it where the server loads it
(backend/nlp/suggestions/data/dependent_lexicon.json.gz).

Every candidate the description gives for each independent claim of corpus documents 301-1196 with
dependent claims (never the first 300, which bench/assist_dependent.py measures) is labelled by
whether it matches one of that claim's real dependent claims (same element, token F1 >= 0.5); a
logistic regression over the candidate's tokens (`candidate_tokens`: binary, positives weighted up
to the negatives' total, L2) learns their weights. Tokens seen in fewer than `--min-count`
candidates are left out, and weights under 0.01 dropped, to keep the file small.

Before writing, it checks the gain honestly: fitted on one half of the documents, recall@10 on
the other half with RANKING_WEIGHTS alone and with the lexicon's score added at weight
RANKING_WEIGHTS["lexicon"] (and a few other weights), both ways round.

    .venv/bin/python bench/fit_dependent_lexicon.py [--skip 300] [--docs 900] [--min-count 3] [--dry-run]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assist_dependent import matches
from fit_dependent_ranker import candidate_groups, recall_hits

from backend.nlp.suggestions.dependent import RANKING_WEIGHTS, add_lexicon_scores
from backend.nlp.suggestions.lexicon import DependentLexicon, candidate_tokens

LEXICON_PATH = Path(__file__).resolve().parents[1] / "backend" / "nlp" / "suggestions" / "data" / "dependent_lexicon.json.gz"


def labelled_groups(*, skip: int, docs: int) -> list[tuple[list, list]]:
    """`candidate_groups`, each candidate labelled ("_label") by whether it matches a real dependent."""
    groups = candidate_groups(skip=skip, docs=docs)
    for candidates, real in groups:
        for c in candidates:
            c.features["_label"] = float(any(matches(c.limitation, lim) for _, lim in real))
    return groups


def _tokens(c) -> set[str]:
    return set(candidate_tokens(element=c.element, limitation=c.limitation, sentence=c.sentence, kind=c.kind))


def fit_lexicon(groups, *, min_count: int = 3, l2: float = 1e-4, steps: int = 600, rate: float = 0.5) -> DependentLexicon:
    """Logistic regression by full-batch gradient descent on the binary token matrix (kept as
    (row, column) index arrays: numpy alone)."""
    candidates = [c for candidates, _ in groups for c in candidates]
    token_sets = [_tokens(c) for c in candidates]
    counts = Counter(t for tokens in token_sets for t in tokens)
    vocabulary = {t: i for i, t in enumerate(sorted(t for t, n in counts.items() if n >= min_count))}
    rows = np.array([r for r, tokens in enumerate(token_sets) for t in tokens if t in vocabulary], dtype=np.int64)
    cols = np.array([vocabulary[t] for tokens in token_sets for t in tokens if t in vocabulary], dtype=np.int64)
    y = np.array([c.features["_label"] for c in candidates])
    weight = np.where(y == 1, (y == 0).sum() / max((y == 1).sum(), 1), 1.0)
    weight /= weight.mean()
    w, b = np.zeros(len(vocabulary)), 0.0
    for _ in range(steps):
        z = np.bincount(rows, weights=w[cols], minlength=len(y)) + b
        g = (1 / (1 + np.exp(-z)) - y) * weight
        w -= rate * (np.bincount(cols, weights=g[rows], minlength=len(w)) / len(y) + l2 * w)
        b -= rate * float(g.mean())
    return DependentLexicon({t: round(float(w[i]), 3) for t, i in vocabulary.items() if abs(w[i]) >= 0.01},
                            round(b, 3))


def recall_at(groups, lexicon: DependentLexicon | None, weight: float, k: int = 10) -> tuple[int, int]:
    """Recovered and total real dependents when each claim's ten are chosen as
    suggest_dependent_claims chooses them, the lexicon's score at `weight`."""
    for candidates, _ in groups:
        if lexicon is not None:  # ("_label" has no weight: it does not move the score)
            add_lexicon_scores(candidates, lexicon)
        else:
            for c in candidates:
                c.features["lexicon"] = 0.0
    return recall_hits(groups, {**RANKING_WEIGHTS, "lexicon": weight}, k)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip", type=int, default=300, help="documents left for bench/assist_dependent.py")
    ap.add_argument("--docs", type=int, default=900)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--dry-run", action="store_true", help="measure, do not write the lexicon")
    args = ap.parse_args()
    started = time.perf_counter()
    groups = labelled_groups(skip=args.skip, docs=args.docs)
    n = sum(len(c) for c, _ in groups)
    print(f"documents after the first {args.skip} (at most {args.docs}): {len(groups)} independent claims, {n} candidates, "
          f"{int(sum(c.features['_label'] for cs, _ in groups for c in cs))} matching a real claim "
          f"({time.perf_counter() - started:.0f} s)")
    half = len(groups) // 2
    first, second = groups[:half], groups[half:]
    weights = sorted({0.0, 0.5, 1.0, 1.5, 2.0, RANKING_WEIGHTS.get("lexicon", 0.0)})  # (the last: the one in use)
    for name, fitted_on, measured in (("first half -> second", first, second), ("second half -> first", second, first)):
        lexicon = fit_lexicon(fitted_on, min_count=args.min_count)
        figures = []
        for weight in weights:
            hit, total = recall_at(measured, lexicon if weight else None, weight)
            figures.append(f"{weight}: {100 * hit / total:.1f}% ({hit})")
        print(f"fitted on the {name}: recall@10 by lexicon weight {', '.join(figures)}")
    lexicon = fit_lexicon(groups, min_count=args.min_count)
    print(f"lexicon: {len(lexicon.weights)} tokens ({time.perf_counter() - started:.0f} s)")
    if not args.dry_run:
        LEXICON_PATH.parent.mkdir(parents=True, exist_ok=True)
        # mtime=0: the same fit writes the same bytes
        with LEXICON_PATH.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            out.write(json.dumps(lexicon.to_json(), sort_keys=True, separators=(",", ":")).encode())
        print(f"wrote {LEXICON_PATH} ({LEXICON_PATH.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
