"""Reference values for tests/judge/bradley-terry.test.ts, computed independently of Arbiter's code.

Arena-Hard's compute_mle_elo (lmarena/arena-hard-auto, utils_math.py): every battle twice, a tie as
one win and one loss, a logistic regression without intercept on columns of +-ln(10), 400 points per
log10 unit. Here the regression is solved by IRLS in numpy (no sklearn on this machine), the mean
rating put at 1000. The prior (when used): each model plays one extra tie against a fixed reference
at 0. Bootstrap: mulberry32(seed), n draws per resample, np.percentile (linear interpolation).
MLE existence is checked by brute force over subsets (no strongly-connected-components code).

Run: python3 tests/support/bradley_terry_reference.py   (prints JSON; frozen into the test)
Or:  python3 tests/support/bradley_terry_reference.py MATCHES.json ITERATIONS
     for a list of [model_a, model_b, score_a] (tests/review/review.test.ts: the PandaLM-7B run's
     final verdicts, dumped with toMatches; 50 resamples), with each model's win rate.
"""
import sys
import itertools
import json
import math

import numpy as np


def mulberry32(seed):
    a = seed & 0xFFFFFFFF

    def imul(x, y):
        return (x * y) & 0xFFFFFFFF

    def nxt():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return nxt


def expand(spec):
    """[(a, b, wins, ties, losses)] -> battles (a, b, scoreA): wins, then ties, then losses."""
    out = []
    for a, b, w, t, l in spec:
        out += [(a, b, 1.0)] * w + [(a, b, 0.5)] * t + [(a, b, 0.0)] * l
    return out


def fit(battles, models, prior):
    idx = {m: i for i, m in enumerate(models)}
    rows, ys = [], []
    for a, b, s in battles:  # Arena-Hard: duplicate; a tie -> one 1 and one 0
        x = np.zeros(len(models))
        x[idx[a]] = math.log(10)
        x[idx[b]] = -math.log(10)
        for y in ([1.0, 0.0] if s == 0.5 else [s, s]):
            rows.append(x)
            ys.append(y)
    for m in models:
        if prior:
            x = np.zeros(len(models))
            x[idx[m]] = math.log(10)
            rows += [x, x]
            ys += [1.0, 0.0]
    X = np.array(rows)
    y = np.array(ys)
    if not prior:  # the likelihood is flat along a common shift: drop the last column
        X = X[:, :-1]
    beta = np.zeros(X.shape[1])
    for _ in range(200):
        p = 1 / (1 + np.exp(-X @ beta))
        w = p * (1 - p)
        step = np.linalg.solve(X.T @ (X * w[:, None]), X.T @ (y - p))
        beta += step
        if np.max(np.abs(step)) < 1e-13:
            break
    if not prior:
        beta = np.append(beta, 0.0)
    return 1000 + 400 * (beta - beta.mean())


def mle_exists(battles, models):
    took = set()
    for a, b, s in battles:
        if s > 0:
            took.add((a, b))
        if s < 1:
            took.add((b, a))
    for r in range(1, len(models)):
        for S in itertools.combinations(models, r):
            rest = [m for m in models if m not in S]
            if not any((o, m) in took for o in rest for m in S):
                return False
    return True


def run(spec, iterations=200, seed=1, alphas=(0.05,), spec_is_battles=False):
    battles = spec if spec_is_battles else expand(spec)
    models = list(dict.fromkeys([x for a, b, _ in battles for x in (a, b)]))
    rand = mulberry32(seed)
    n = len(battles)
    samples = [[battles[math.floor(rand() * n)] for _ in range(n)] for _ in range(iterations)]
    present = lambda s: [m for m in models if any(m in (a, b) for a, b, _ in s)]
    without = sum(
        1 for s in samples if len(present(s)) < len(models) or not mle_exists(s, models)
    )
    prior = 0 if mle_exists(battles, models) and without == 0 else 1
    est = fit(battles, models, prior)
    draws = {m: [] for m in models}
    for s in samples:
        r = fit(s, models, prior) if prior else None
        if not prior:
            r = fit(s, models, 0)
        here = present(s)
        for i, m in enumerate(models):
            if m in here:
                draws[m].append(r[i])
    out = {"prior": prior, "withoutMle": without, "estimate": dict(zip(models, est.tolist()))}
    for alpha in alphas:
        out[f"alpha{alpha}"] = {
            m: [float(np.percentile(draws[m], 100 * alpha / 2)), float(np.percentile(draws[m], 100 * (1 - alpha / 2)))]
            for m in models
        }
    return out


SCENARIOS = {
    # Four models, every pair met many times with ties: the MLE exists in every resample.
    "four": [
        ("a", "b", 14, 4, 8),
        ("a", "c", 16, 3, 5),
        ("a", "d", 18, 2, 3),
        ("b", "c", 12, 5, 9),
        ("b", "d", 15, 3, 6),
        ("c", "d", 11, 6, 9),
    ],
    # The example: top won all 6, mid beat low 2-1. No finite MLE for top.
    "unbeaten": [("top", "mid", 3, 0, 0), ("top", "low", 3, 0, 0), ("mid", "low", 2, 0, 1)],
    # Two groups that never met.
    "disconnected": [("a", "b", 2, 0, 1), ("c", "d", 1, 1, 1)],
}

if __name__ == "__main__" and len(sys.argv) > 2:
    battles = [tuple(x) for x in json.load(open(sys.argv[1]))]
    out = run(battles, iterations=int(sys.argv[2]), spec_is_battles=True)
    rates = {}
    for a, b, s in battles:
        for m, x in ((a, s), (b, 1 - s)):
            w, n = rates.get(m, (0.0, 0))
            rates[m] = (w + x, n + 1)
    out["winRate"] = {m: w / n for m, (w, n) in rates.items()}
    print(json.dumps(out, indent=1))
elif __name__ == "__main__":
    print(json.dumps({"quantile": {
        "xs": [3, 1, 4, 1, 5, 9, 2, 6],
        "q": [0, 0.025, 0.1, 0.5, 0.9, 0.975, 1],
        "np": [float(np.percentile([3, 1, 4, 1, 5, 9, 2, 6], 100 * q)) for q in [0, 0.025, 0.1, 0.5, 0.9, 0.975, 1]],
    }, **{k: run(v, alphas=(0.05, 0.1)) for k, v in SCENARIOS.items()}}, indent=1))
