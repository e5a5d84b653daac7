"""Hypothesis strategies shared by the property tests: random shapes (n, p, h) and data."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays


class Problem(NamedTuple):
    """Inputs, targets and weights of one network: X0 (n, p), z (n,), u (p+1, h), v (h+1,)."""

    X0: np.ndarray
    z: np.ndarray
    u: np.ndarray
    v: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int]:
        """(n, p, h)."""
        n, p = self.X0.shape
        return n, p, self.u.shape[1]


def reals(bound: float = 3.0) -> st.SearchStrategy[float]:
    """Finite float64 values in [-bound, bound], edge cases (0, ±bound) included."""
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def problems(
    draw: st.DrawFn,
    max_n: int = 8,
    max_p: int = 4,
    max_h: int = 4,
    bound: float = 3.0,
) -> Problem:
    """A network problem of random shape (n, p, h) with entries in [-bound, bound]."""
    n = draw(st.integers(1, max_n), label="n")
    p = draw(st.integers(1, max_p), label="p")
    h = draw(st.integers(1, max_h), label="h")
    elements = reals(bound)
    return Problem(
        X0=draw(arrays(np.float64, (n, p), elements=elements), label="X0"),
        z=draw(arrays(np.float64, (n,), elements=elements), label="z"),
        u=draw(arrays(np.float64, (p + 1, h), elements=elements), label="u"),
        v=draw(arrays(np.float64, (h + 1,), elements=elements), label="v"),
    )


@st.composite
def full_rank_designs(draw: st.DrawFn, max_p: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(X0, z) with n >= p + 1 rows drawn from a seeded Gaussian: [1 X0] has full column rank."""
    p = draw(st.integers(1, max_p), label="p")
    n = draw(st.integers(p + 1, p + 20), label="n")
    seed = draw(st.integers(0, 2**32 - 1), label="seed")
    rng = np.random.default_rng(seed)
    # Column scales over six decades: the solver must not care about units.
    X0 = rng.normal(size=(n, p)) * 10.0 ** rng.uniform(-3, 3, size=p)
    z = rng.normal(size=n) * 10.0 ** rng.uniform(-2, 2)
    return X0, z
