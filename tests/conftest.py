"""Shared set-up for the tests: a deterministic hypothesis profile and the data fixtures."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import settings

import linearnet as ln

# Deterministic, reproducible property tests: the same examples on every run and machine, no
# example database written, and no deadline (the first call of a test pays NumPy's warm-up).
settings.register_profile(
    "linearnet", deadline=None, derandomize=True, database=None, max_examples=40
)
settings.load_profile("linearnet")


@pytest.fixture
def note_problem() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The note's shapes, n = 4 samples, p = 2 inputs, h = 2 hidden units, with small integers.

    Integers keep every product exact in float64, so loop references agree to the last bit.
    """
    X0 = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0], [-2.0, 4.0]])
    z = np.array([1.0, -2.0, 0.5, 3.0])
    u = np.array([[0.5, -1.0], [1.0, 2.0], [-1.5, 0.25]])
    v = np.array([0.75, 2.0, -0.5])
    return X0, z, u, v


@pytest.fixture
def random_problem() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A well-conditioned random problem, n = 30, p = 4, h = 3, from a fixed seed."""
    rng = np.random.default_rng(20240601)
    X0 = rng.normal(size=(30, 4))
    z = 1.0 + X0 @ np.array([2.0, -1.0, 0.5, 0.0]) + 0.1 * rng.normal(size=30)
    u, v = ln.init_params(4, 3, rng=rng, scale=0.5)
    return X0, z, u, v


@pytest.fixture(scope="session")
def diabetes() -> tuple[np.ndarray, np.ndarray]:
    """The diabetes data (442 rows, 10 features) with standardized columns; raw targets."""
    from sklearn.datasets import load_diabetes

    X0, z = load_diabetes(return_X_y=True, scaled=False)
    X0 = (X0 - X0.mean(axis=0)) / X0.std(axis=0)
    return X0, z
