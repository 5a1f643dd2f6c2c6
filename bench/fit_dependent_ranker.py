"""Fit the ranking of suggested dependent claims (RANKING_WEIGHTS in
backend/nlp/suggestions/dependent.py) on corpus documents that bench/assist_dependent.py does not
measure: every candidate the description gives for each independent claim is labelled by whether
it matches one of that claim's real dependent claims (same element, token F1 >= 0.5), a logistic
regression learns the weights of the candidate's features, and recall@10 on the same documents is
printed unranked, with the current weights and with the fitted ones. The logistic loss is not
recall@10 (it weighs every candidate, recall@10 only the top ten of each claim), so `--tune` then
moves one weight at a time (steps 0.5, 0.25, 0.1) while recall@10 on these documents rises,
starting from the better of the current and the fitted weights. Prints the weights to paste into
dependent.py. (A listwise fit, softmax over each claim's candidates, was tried too: 20.8% against
the logistic 20.9% on these documents, so it is not kept.) (An element-diversity penalty when choosing the ten was tried here: it never
raised recall@10 on these documents (0.25 equal, 0.5 to 2 lower), so the ten are chosen by score alone.)

The candidates here carry no "lexicon" feature (the claim-language lexicon is fitted on these
documents too, so its score would be too good here): its weight is chosen by
bench/fit_dependent_lexicon.py on held-out halves, and the other weights are fitted without it.

    .venv/bin/python bench/fit_dependent_ranker.py [--skip 300] [--docs 300] [--tune]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assist_dependent import corpus_cases, matches

from backend.nlp.parsing import shared_parser
from backend.nlp.suggestions.dependent import (
    RANKING_WEIGHTS,
    _claim_terms,
    choose_candidates,
    dependent_candidates,
)


def fit(x: np.ndarray, y: np.ndarray, *, l2: float = 1e-3, steps: int = 3000, rate: float = 0.5) -> np.ndarray:
    """Logistic regression by gradient descent (x has a bias column), positives weighted up to the
    negatives' total so that the rare matches count."""
    w = np.zeros(x.shape[1])
    weight = np.where(y == 1, (y == 0).sum() / max((y == 1).sum(), 1), 1.0)
    weight /= weight.mean()
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ ((p - y) * weight) / len(y) + l2 * w
        w -= rate * grad
    return w


def candidate_groups(*, skip: int, docs: int) -> list[tuple[list, list]]:
    """(every candidate, real dependents) of each independent claim of the documents (also
    bench/fit_dependent_lexicon.py's)."""
    parser = shared_parser()
    groups = []
    for case in corpus_cases(docs=docs, skip=skip):
        summary = frozenset(case.summary)
        for claim in case.hidden.active:
            candidates = dependent_candidates(claim, case.description, summary=summary,
                                              terms=_claim_terms(claim, parser))
            groups.append((candidates, case.real.get(claim.number, [])))
    return groups


def recall_hits(groups, weights: dict[str, float], k: int = 10) -> tuple[int, int]:
    """Recovered and total real dependents when each group's candidates are chosen as
    suggest_dependent_claims chooses them."""
    total = hit = 0
    for candidates, real in groups:
        picked = [chosen.candidate for chosen in choose_candidates(candidates, per_claim=k, weights=weights)]
        for _, lim in real:
            total += 1
            hit += any(matches(c.limitation, lim) for c in picked)
    return hit, total


def recall_at(groups, weights: dict[str, float], k: int = 10) -> float:
    hit, total = recall_hits(groups, weights, k)
    return hit / max(total, 1)


def tune(groups, start: dict[str, float], names: list[str]) -> dict[str, float]:
    """Coordinate ascent on recall@10: each weight in turn up or down by the step while that
    raises recall@10 on `groups`, the step halved (0.5, 0.25, 0.1) when none does."""
    weights = {n: start.get(n, 0.0) for n in ["bias", *names]}
    best = recall_at(groups, weights)
    for step in (0.5, 0.25, 0.1):
        improved = True
        while improved:
            improved = False
            for name in names:
                for delta in (step, -step):
                    trial = {**weights, name: round(weights[name] + delta, 3)}
                    score = recall_at(groups, trial)
                    if score > best:
                        best, weights, improved = score, trial, True
                        break
    return weights


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip", type=int, default=300, help="documents left for bench/assist_dependent.py")
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--tune", action="store_true", help="then coordinate ascent on recall@10 (a few minutes)")
    args = ap.parse_args()
    started = time.perf_counter()
    groups = candidate_groups(skip=args.skip, docs=args.docs)
    names = sorted({k for candidates, _ in groups for c in candidates for k in c.features})
    rows, labels = [], []
    for candidates, real in groups:
        for c in candidates:
            rows.append([1.0, *(c.features.get(n, 0.0) for n in names)])
            labels.append(float(any(matches(c.limitation, lim) for _, lim in real)))
    x, y = np.array(rows), np.array(labels)
    print(f"documents: {args.docs} (after {args.skip}), candidates: {len(y)}, matching a real claim: {int(y.sum())}, "
          f"{time.perf_counter() - started:.0f} s")
    w = fit(x, y)
    weights = {"bias": round(float(w[0]), 3), **{n: round(float(v), 3) for n, v in zip(names, w[1:], strict=True)}}
    every = sum(any(matches(c.limitation, lim) for c in candidates) for candidates, real in groups for _, lim in real)
    print(f"recall of every candidate: {100 * every / max(sum(len(real) for _, real in groups), 1):.1f}%")
    print(f"recall@10 on these documents: unranked {100 * recall_at(groups, {}):.1f}%, current weights "
          f"{100 * recall_at(groups, RANKING_WEIGHTS):.1f}%, fitted {100 * recall_at(groups, weights):.1f}%")
    if args.tune:
        start = max((RANKING_WEIGHTS, weights), key=lambda w: recall_at(groups, w))
        weights = tune(groups, start, names)
        print(f"recall@10 on these documents, tuned: {100 * recall_at(groups, weights):.1f}%")
    weights["lexicon"] = RANKING_WEIGHTS.get("lexicon", 0.0)  # (kept: see above)
    print("RANKING_WEIGHTS =", dict(sorted(weights.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
