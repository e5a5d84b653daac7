"""Benchmark: train reaches least squares on real data, without tuning, in seconds.

Usage: ``python tools/benchmark_train.py`` (``make bench``). Trains the network (hidden width 3,
``lr=None``) on the standardized diabetes data (442 rows, 10 features; Efron et al. 2004, shipped
with scikit-learn) from several seeded initialisations, and prints for each run the steps, the
wall time and the relative distance of the collapsed weights to ``least_squares``. Exits non-zero
if a run misses the targets: converged, within 1e-6 (relative), under 10 s.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
from sklearn.datasets import load_diabetes

import linearnet as ln

SEEDS = range(10)
H = 3
TARGET_SECONDS = 10.0
TARGET_RELATIVE_ERROR = 1e-6


def main() -> int:
    """Run the benchmark and print one line per seed and a summary."""
    X0, z = load_diabetes(return_X_y=True, scaled=False)
    X0 = (X0 - X0.mean(axis=0)) / X0.std(axis=0)
    w_ls = ln.least_squares(X0, z)
    times, ok = [], True
    print(f"diabetes: n={X0.shape[0]}, p={X0.shape[1]}, h={H}, lr=None")
    for seed in SEEDS:
        u, v = ln.init_params(X0.shape[1], H, rng=np.random.default_rng(seed))
        start = time.perf_counter()
        result = ln.train(X0, z, u, v)
        elapsed = time.perf_counter() - start
        w = ln.collapse(result.u, result.v)
        rel = float(np.linalg.norm(w - w_ls) / np.linalg.norm(w_ls))
        run_ok = result.converged and rel <= TARGET_RELATIVE_ERROR and elapsed <= TARGET_SECONDS
        ok &= run_ok
        times.append(elapsed)
        print(
            f"seed {seed}: {result.steps:6d} steps, {elapsed:6.3f} s, "
            f"|w - w_ls|/|w_ls| = {rel:.1e}, converged={result.converged} "
            f"{'ok' if run_ok else 'MISSED'}"
        )
    print(f"median {statistics.median(times):.3f} s, max {max(times):.3f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
