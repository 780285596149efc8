"""Reference values for tests/judge/agreement.test.ts and tests/review/panel.test.ts, computed
independently of Arbiter's code (numpy, plain formulas).

A 40-item, 3-member panel (DATA below, the same strings as PANEL_DATA in the tests): per member the
verdict of each order in the item's original positions (A, B, t = tie, x = ran but unreadable,
. = not run). A member's result: both orders read and equal -> that verdict; both read and
different -> flipped; one read -> that one; none read -> failed; no order run -> missing.
Agreement: categories A, B, tie; Cohen's kappa over items both members gave a verdict for,
Fleiss' kappa (Fleiss 1971) over items all three did. The panel: plurality of verdicts, a flip or
failure abstains, A and B level -> tie, a side level with tie -> no verdict. Accuracy over items
with a label and a verdict read (a flip, or a panel that read verdicts but reached none, is
wrong); strict over labelled items the judge has. Bootstrap: mulberry32(1), 1,000 resamples of
n draws floor(r * n), NaN resamples skipped, np.percentile (linear) at 2.5 and 97.5.

Run: python3 tests/support/panel_reference.py   (prints JSON; frozen into the tests)
"""
import json

import numpy as np

LABELS = 'Bt.BttBABABABBBBB.BAAtBABBBABBABABBBtBBt'
DATA = [
    ('xtABttBxBABABBBBBABAAxBABBBtBBABABBBtBBB', 'BtABttBABABABBBBBABAttBABBBAAtAtABBBAxAB'),
    ('BttBA.AAAABABABBB.AAAAAABAAAABAtAAAABBBA', 'BttBB.BBABBBBBBBB.BBBBBABBBABBAtAABABBBB'),
    ('tBAABAABAAAxABBtBAAAABBBAtBAABBAABABAABA', 'tBA.AAABABBxABBABAABAABBAtBAA.BABBAtAAAA'),
]
N = len(LABELS)
M = len(DATA)
LEN_A = [100 + (i * 37) % 50 for i in range(N)]
LEN_B = [100 + (i * 53) % 50 for i in range(N)]
VERDICT = {'A': 'A', 'B': 'B', 't': 'tie'}


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


def order_value(c):
    """None: not run; 'x': unreadable; else the verdict."""
    return None if c == '.' else 'x' if c == 'x' else VERDICT[c]


def member_result(ab, ba):
    if ab is None and ba is None:
        return None  # missing
    read = [v for v in (ab, ba) if v is not None and v != 'x']
    if not read:
        return 'failed'
    if len(read) == 2 and read[0] != read[1]:
        return 'flipped'
    return read[0]


def majority(values):
    """values: verdicts, 'flipped', 'failed' or None. Returns (verdict or None, anything read)."""
    votes = {'A': 0, 'B': 0, 'tie': 0}
    read = False
    for v in values:
        if v in votes:
            votes[v] += 1
            read = True
        elif v == 'flipped':
            read = True
    top = max(votes.values())
    if top == 0:
        return None, read
    at_top = [k for k, c in votes.items() if c == top]
    if len(at_top) == 1:
        return at_top[0], read
    if 'A' in at_top and 'B' in at_top:
        return 'tie', read
    return None, read


label = [None if c == '.' else VERDICT[c] for c in LABELS]
orders = [[(order_value(ab[i]), order_value(ba[i])) for i in range(N)] for ab, ba in DATA]
results = [[member_result(*o[i]) for i in range(N)] for o in orders]
longer = [None if LEN_A[i] == LEN_B[i] else 'A' if LEN_A[i] > LEN_B[i] else 'B' for i in range(N)]


def judge_rows(final, ab, ba, present):
    """Per item: labelled, parsed, agree, both, flip, decisive, first, lengthN, longer (numpy rows)."""
    rows = np.zeros((N, 9))
    for i in range(N):
        if not present[i]:
            continue
        if label[i] is not None:
            rows[i, 0] = 1
            f = final[i]
            if f in ('A', 'B', 'tie', 'flipped') or f == 'deadlock':
                rows[i, 1] = 1
                rows[i, 2] = 1 if f == label[i] else 0
        if ab[i] is not None and ba[i] is not None:
            rows[i, 3] = 1
            if ab[i] != 'x' and ba[i] != 'x' and ab[i] != ba[i]:
                rows[i, 4] = 1
        for v, first in ((ab[i], 'A'), (ba[i], 'B')):
            if v in ('A', 'B'):
                rows[i, 5] += 1
                rows[i, 6] += 1 if v == first else 0
        if longer[i] is not None and final[i] in ('A', 'B'):
            rows[i, 7] = 1
            rows[i, 8] = 1 if final[i] == longer[i] else 0
    return rows


member_rows = []
for m in range(M):
    ab = [o[0] for o in orders[m]]
    ba = [o[1] for o in orders[m]]
    member_rows.append(judge_rows(results[m], ab, ba, [r is not None for r in results[m]]))


def panel_final(members):
    out = []
    for i in range(N):
        v, read = majority([results[m][i] for m in members])
        out.append(v if v is not None else ('deadlock' if read else None))
    return out


def panel_order(k):
    out = []
    for i in range(N):
        vals = []
        for m in range(M):
            o = orders[m][i][k]
            vals.append(None if o is None else 'failed' if o == 'x' else o)
        if all(v is None for v in vals):
            out.append(None)
        else:
            v, _ = majority(vals)
            out.append('x' if v is None else v)
    return out


panel_present = [any(results[m][i] is not None for m in range(M)) for i in range(N)]
panel_rows = judge_rows(panel_final(range(M)), panel_order(0), panel_order(1), panel_present)
loo_rows = []
for m in range(M):
    final = panel_final([k for k in range(M) if k != m])
    rows = np.zeros((N, 2))
    for i in range(N):
        if label[i] is not None and final[i] is not None:
            rows[i, 0] = 1
            rows[i, 1] = 1 if final[i] == label[i] else 0
    loo_rows.append(rows)

CATS = ['A', 'B', 'tie']


def cohen(a, b, idx):
    t = np.zeros((3, 3))
    for i in idx:
        if results[a][i] in CATS and results[b][i] in CATS:
            t[CATS.index(results[a][i]), CATS.index(results[b][i])] += 1
    n = t.sum()
    if n == 0:
        return float('nan'), 0
    po = np.trace(t) / n
    pe = float(np.dot(t.sum(axis=1), t.sum(axis=0))) / n**2
    return (po - pe) / (1 - pe), int(n)


def fleiss(idx):
    rows = []
    for i in idx:
        if all(results[m][i] in CATS for m in range(M)):
            rows.append([sum(1 for m in range(M) if results[m][i] == c) for c in CATS])
    x = np.array(rows, dtype=float)
    if len(x) == 0:
        return float('nan'), 0
    n_sub, k = x.shape[0], M
    p_i = (np.sum(x * x, axis=1) - k) / (k * (k - 1))
    p_j = x.sum(axis=0) / (n_sub * k)
    pbar, pe = p_i.mean(), np.sum(p_j**2)
    return (pbar - pe) / (1 - pe), n_sub


def ratio(a, b):
    return a / b if b else float('nan')


def figures(idx):
    out = {}
    for m in range(M):
        s = member_rows[m][idx].sum(axis=0)
        out[f'member{m}'] = [ratio(s[2], s[1]), ratio(s[2], s[0]), ratio(s[4], s[3]), ratio(s[6], s[5]), ratio(s[8], s[7])]
    s = panel_rows[idx].sum(axis=0)
    acc, strict = ratio(s[2], s[1]), ratio(s[2], s[0])
    out['panel'] = [acc, strict, ratio(s[4], s[3]), ratio(s[6], s[5]), ratio(s[8], s[7])]
    for m in range(M):
        t = loo_rows[m][idx].sum(axis=0)
        la, ls = ratio(t[1], t[0]), ratio(t[1], s[0])
        out[f'loo{m}'] = [la, la - acc, ls, ls - strict]
    for a in range(M):
        for b in range(a + 1, M):
            out[f'kappa{a}{b}'] = [cohen(a, b, idx)[0]]
    out['fleiss'] = [fleiss(idx)[0]]
    return out


everything = list(range(N))
point = figures(everything)
rand = mulberry32(1)
samples = {k: [[] for _ in v] for k, v in point.items()}
for _ in range(1000):
    idx = [int(rand() * N) for _ in range(N)]
    f = figures(idx)
    for k, vs in f.items():
        for j, v in enumerate(vs):
            if np.isfinite(v):
                samples[k][j].append(v)
out = {
    'results': [''.join('.' if r is None else {'flipped': 'f', 'failed': 'x', 'tie': 't'}.get(r, r) for r in rs) for rs in results],
    'counts': {
        **{f'member{m}': member_rows[m].sum(axis=0).tolist() for m in range(M)},
        'panel': panel_rows.sum(axis=0).tolist(),
        **{f'kappaN{a}{b}': cohen(a, b, everything)[1] for a in range(M) for b in range(a + 1, M)},
        'fleissN': fleiss(everything)[1],
    },
    'figures': {
        k: [[v, *np.percentile(samples[k][j], [2.5, 97.5]).tolist()] for j, v in enumerate(vs)]
        for k, vs in point.items()
    },
}
print(json.dumps(out, indent=1))
