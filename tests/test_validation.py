"""Every public function rejects malformed input with a ValueError that explains itself.

One ``pytest.raises(ValueError, match=...)`` per failure mode and per function it applies to:
wrong number of dimensions, mismatched shapes (u's rows vs p + 1, v's length vs h + 1, z's
length vs n), NaN or inf, empty arrays, and non-numeric data (strings, objects, ragged lists,
complex numbers). The matches quote the distinctive parts of each message: what was expected,
what was received, and the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import linearnet as ln

# A valid problem with the note's shapes: n = 4, p = 2, h = 2.
GOOD: dict[str, Any] = {
    "X0": np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0], [-2.0, 4.0]]),
    "z": np.array([1.0, -2.0, 0.5, 3.0]),
    "u": np.array([[0.5, -1.0], [1.0, 2.0], [-1.5, 0.25]]),
    "v": np.array([0.75, 2.0, -0.5]),
}

# Each public function and the array arguments it takes, in order.
FUNCTIONS: dict[str, tuple[str, ...]] = {
    "add_bias": ("X0",),
    "hidden": ("X0", "u"),
    "predict": ("X0", "u", "v"),
    "residual": ("X0", "z", "u", "v"),
    "cost": ("X0", "z", "u", "v"),
    "gradients": ("X0", "z", "u", "v"),
    "curvature_bound": ("X0", "z", "u", "v"),
    "train": ("X0", "z", "u", "v"),
    "normal_equations": ("X0", "z"),
    "least_squares": ("X0", "z"),
    "collapse": ("u", "v"),
}


def with_entry(name: str, index: tuple[int, ...], value: float) -> np.ndarray:
    a = GOOD[name].copy()
    a[index] = value
    return a


# (argument, failure mode, bad value, message pattern). Patterns are regular expressions.
CASES: list[tuple[str, str, Any, str]] = [
    # --- X0: expected a 2-D (n, p) real array ---
    (
        "X0",
        "1-D",
        np.ones(4),
        r"X0 must be a 2-D array of shape \(n, p\); received a 1-D array of shape \(4,\)\. "
        r"For a single feature use X0\.reshape\(-1, 1\)\.",
    ),
    (
        "X0",
        "3-D",
        np.ones((4, 2, 1)),
        r"X0 must be a 2-D array of shape \(n, p\); received a 3-D array of shape \(4, 2, 1\)",
    ),
    ("X0", "scalar", 3.0, r"X0 must be a 2-D array .*received a 0-D array of shape \(\)"),
    (
        "X0",
        "NaN",
        with_entry("X0", (1, 0), np.nan),
        r"X0 must be finite; received 1 NaN or infinite value\(s\), the first at index \(1, 0\)\. "
        r"Remove or impute them first\.",
    ),
    (
        "X0",
        "inf",
        with_entry("X0", (2, 1), np.inf),
        r"X0 must be finite; received 1 NaN or infinite value\(s\), the first at index \(2, 1\)",
    ),
    (
        "X0",
        "-inf and NaN",
        np.array([[1.0, -np.inf], [np.nan, 2.0], [0.0, 0.0], [1.0, 1.0]]),
        r"X0 must be finite; received 2 NaN or infinite value\(s\), the first at index \(0, 1\)",
    ),
    (
        "X0",
        "no rows",
        np.empty((0, 2)),
        r"X0 must be a 2-D array of shape \(n, p\) with no zero-length dimension; received an "
        r"empty array of shape \(0, 2\)",
    ),
    (
        "X0",
        "no columns",
        np.empty((4, 0)),
        r"X0 must be .* with no zero-length dimension; received an empty array of shape \(4, 0\)",
    ),
    ("X0", "empty list", [], r"X0 must be a 2-D array .*received a 1-D array of shape \(0,\)"),
    (
        "X0",
        "strings",
        [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]],
        r"X0 must hold real numbers; received an array of dtype <U1\. Convert it first, e\.g\. "
        r"np\.asarray\(X0, dtype=float\)\.",
    ),
    (
        "X0",
        "numeric strings",
        GOOD["X0"].astype(str),
        r"X0 must hold real numbers; received an array of dtype <U",
    ),
    (
        "X0",
        "None entries",
        [[1.0, None], [0.0, -1.0], [3.0, 1.0], [-2.0, 4.0]],
        r"X0 must hold real numbers; received an array of dtype object",
    ),
    (
        "X0",
        "object dtype",
        GOOD["X0"].astype(object),
        r"X0 must hold real numbers; received an array of dtype object",
    ),
    (
        "X0",
        "ragged list",
        [[1.0, 2.0], [0.0], [3.0, 1.0], [-2.0, 4.0]],
        r"X0 must be a 2-D array of shape \(n, p\) of real numbers; received a ragged or "
        r"unconvertible list .*Pass a rectangular numeric array\.",
    ),
    (
        "X0",
        "complex",
        GOOD["X0"] + 0j,
        r"X0 must hold real numbers; received an array of dtype complex128",
    ),
    # --- z: expected a 1-D (n,) real array, n the rows of X0 ---
    (
        "z",
        "column vector",
        GOOD["z"].reshape(-1, 1),
        r"z must be a 1-D array of shape \(n,\); received a 2-D array of shape \(4, 1\)\. "
        r"Flatten it with z\.ravel\(\)\.",
    ),
    (
        "z",
        "2-D",
        GOOD["z"].reshape(2, 2),
        r"z must be a 1-D array of shape \(n,\); received a 2-D array of shape \(2, 2\)\.$",
    ),
    ("z", "scalar", 1.0, r"z must be a 1-D array .*received a 0-D array of shape \(\)"),
    (
        "z",
        "too short",
        GOOD["z"][:3],
        r"z's length must number n = 4, the number of rows of X0; received 3\.",
    ),
    (
        "z",
        "too long",
        np.append(GOOD["z"], 1.0),
        r"z's length must number n = 4, the number of rows of X0; received 5\.",
    ),
    (
        "z",
        "length 1 (no broadcasting)",
        np.array([1.0]),
        r"z's length must number n = 4, the number of rows of X0; received 1\.",
    ),
    (
        "z",
        "NaN",
        with_entry("z", (2,), np.nan),
        r"z must be finite; received 1 NaN or infinite value\(s\), the first at index 2\. "
        r"Remove or impute them first\.",
    ),
    (
        "z",
        "inf",
        with_entry("z", (0,), -np.inf),
        r"z must be finite; received 1 NaN or infinite value\(s\), the first at index 0\.",
    ),
    (
        "z",
        "empty",
        np.empty(0),
        r"z must be a 1-D array of shape \(n,\) with no zero-length dimension; received an empty "
        r"array of shape \(0,\)",
    ),
    ("z", "strings", ["1", "2", "3", "4"], r"z must hold real numbers; received an array of dtype"),
    (
        "z",
        "None entry",
        [1.0, None, 0.5, 3.0],
        r"z must hold real numbers; received an array of dtype object",
    ),
    (
        "z",
        "ragged list",
        [1.0, [2.0, 3.0], 0.5, 3.0],
        r"z must be a 1-D array of shape \(n,\) of real numbers; received a ragged or "
        r"unconvertible list",
    ),
    ("z", "complex", GOOD["z"] + 1j, r"z must hold real numbers; received .*dtype complex"),
    # --- u: expected a 2-D (p + 1, h) real array ---
    (
        "u",
        "too few rows",
        GOOD["u"][:2],
        r"u's rows must number p \+ 1 = 3 \(row 0 holds the hidden biases, then one row per "
        r"column of X0, which has p = 2 columns\); received 2\.",
    ),
    ("u", "too many rows", np.vstack([GOOD["u"], GOOD["u"][:1]]), r"u's rows .*; received 4\."),
    (
        "u",
        "transposed",
        GOOD["u"][:, :1].T,
        r"u's rows must number p \+ 1 = 3 .*; received 1\.",
    ),
    (
        "u",
        "1-D",
        GOOD["u"][:, 0],
        r"u must be a 2-D array of shape \(p \+ 1, h\); received a 1-D array of shape \(3,\)",
    ),
    (
        "u",
        "3-D",
        GOOD["u"][..., None],
        r"u must be a 2-D array of shape \(p \+ 1, h\); received a 3-D array of shape \(3, 2, 1\)",
    ),
    (
        "u",
        "NaN",
        with_entry("u", (0, 1), np.nan),
        r"u must be finite; received 1 NaN or infinite value\(s\), the first at index \(0, 1\)",
    ),
    (
        "u",
        "inf",
        with_entry("u", (2, 0), np.inf),
        r"u must be finite; received 1 NaN or infinite value\(s\), the first at index \(2, 0\)",
    ),
    (
        "u",
        "no columns",
        np.empty((3, 0)),
        r"u must be a 2-D array of shape \(p \+ 1, h\) with no zero-length dimension; received "
        r"an empty array of shape \(3, 0\)",
    ),
    ("u", "strings", GOOD["u"].astype(str), r"u must hold real numbers; received .*dtype <U"),
    (
        "u",
        "ragged list",
        [[0.5, -1.0], [1.0], [-1.5, 0.25]],
        r"u must be a 2-D array of shape \(p \+ 1, h\) of real numbers; received a ragged",
    ),
    ("u", "complex", GOOD["u"] * 1j, r"u must hold real numbers; received .*dtype complex"),
    # --- v: expected a 1-D (h + 1,) real array, h the columns of u ---
    (
        "v",
        "missing the bias",
        GOOD["v"][1:],
        r"v's entries must number h \+ 1 = 3 \(v\[0\] is the output bias, then one weight per "
        r"hidden unit; u has h = 2 columns\); received 2\.",
    ),
    ("v", "too long", np.append(GOOD["v"], 0.0), r"v's entries .*= 3 .*received 4"),
    (
        "v",
        "column vector",
        GOOD["v"].reshape(-1, 1),
        r"v must be a 1-D array of shape \(h \+ 1,\); received a 2-D array of shape \(3, 1\)\. "
        r"Flatten it with v\.ravel\(\)\.",
    ),
    ("v", "scalar", 1.0, r"v must be a 1-D array .*received a 0-D array of shape \(\)"),
    (
        "v",
        "NaN",
        with_entry("v", (1,), np.nan),
        r"v must be finite; received 1 NaN or infinite value\(s\), the first at index 1\.",
    ),
    (
        "v",
        "inf",
        with_entry("v", (2,), np.inf),
        r"v must be finite; received 1 NaN or infinite value\(s\), the first at index 2\.",
    ),
    (
        "v",
        "empty",
        np.empty(0),
        r"v must be a 1-D array of shape \(h \+ 1,\) with no zero-length dimension; received an "
        r"empty array of shape \(0,\)",
    ),
    ("v", "strings", ["a", "b", "c"], r"v must hold real numbers; received an array of dtype <U1"),
    ("v", "None entry", [0.75, None, -0.5], r"v must hold real numbers; received .*dtype object"),
    ("v", "ragged list", [0.75, [2.0], -0.5], r"v must be a 1-D array .* received a ragged"),
    ("v", "complex", GOOD["v"] + 0j, r"v must hold real numbers; received .*dtype complex"),
]

# Shape checks against p (u's rows) need X0; collapse has no X0 and checks u on its own.
NEEDS_X0 = {"too few rows", "too many rows", "transposed"}


def call(name: str, **overrides: Any) -> Any:
    args = [overrides.get(arg, GOOD[arg]) for arg in FUNCTIONS[name]]
    return getattr(ln, name)(*args)


def _params() -> list[Any]:
    params = []
    for func, args in FUNCTIONS.items():
        for arg, mode, value, match in CASES:
            if arg not in args or (mode in NEEDS_X0 and "X0" not in args):
                continue
            params.append(pytest.param(func, arg, value, match, id=f"{func}-{arg}-{mode}"))
    return params


@pytest.mark.parametrize(("func", "arg", "value", "match"), _params())
def test_rejects_malformed_argument(func: str, arg: str, value: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call(func, **{arg: value})


@pytest.mark.parametrize("func", sorted(FUNCTIONS))
def test_accepts_the_valid_problem(func: str) -> None:
    call(func)


def test_collapse_needs_at_least_two_rows_of_u() -> None:
    with pytest.raises(
        ValueError,
        match=r"u must have p \+ 1 >= 2 rows \(row 0 holds the hidden biases, then one row per "
        r"input\); received shape \(1, 2\)\.",
    ):
        ln.collapse(GOOD["u"][:1], GOOD["v"])


@pytest.mark.parametrize("func", ["hidden", "predict", "residual", "cost", "gradients", "train"])
def test_single_row_u_with_x0_names_the_needed_rows(func: str) -> None:
    with pytest.raises(ValueError, match=r"u's rows must number p \+ 1 = 3 .*; received 1\."):
        call(func, u=GOOD["u"][:1])


def test_mismatch_between_u_and_v_is_reported_in_terms_of_h() -> None:
    # u with h = 1 column and the v of h = 2: v is judged against u.
    with pytest.raises(ValueError, match=r"v's entries must number h \+ 1 = 2 .*h = 1 columns"):
        ln.predict(GOOD["X0"], GOOD["u"][:, :1], GOOD["v"])


def test_integer_and_boolean_data_are_accepted_as_reals() -> None:
    X0_int = np.array([[1, 2], [0, -1], [3, 1], [-2, 4]])
    np.testing.assert_array_equal(
        ln.predict(X0_int, GOOD["u"], GOOD["v"]), ln.predict(GOOD["X0"], GOOD["u"], GOOD["v"])
    )
    X0_bool = X0_int > 0
    np.testing.assert_array_equal(ln.add_bias(X0_bool)[:, 1:], X0_bool.astype(float))


SHAPE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    name: getattr(ln, name)
    for name in ("residual", "cost", "gradients", "curvature_bound", "train")
}


@given(
    st.sampled_from(sorted(SHAPE_FUNCTIONS)),
    st.integers(1, 4),  # n
    st.integers(1, 3),  # p
    st.integers(1, 5),  # len(z)
    st.integers(1, 5),  # rows of u
    st.integers(1, 3),  # columns of u (h)
    st.integers(1, 5),  # len(v)
)
def test_shapes_are_never_broadcast(
    func: str, n: int, p: int, nz: int, ru: int, h: int, nv: int
) -> None:
    # Any mismatch raises ValueError (never IndexError, never a broadcast result); matching
    # shapes always work.
    rng = np.random.default_rng(0)
    X0, z = rng.normal(size=(n, p)), rng.normal(size=nz)
    u, v = rng.normal(size=(ru, h)), rng.normal(size=nv)
    consistent = nz == n and ru == p + 1 and nv == h + 1
    if consistent:
        SHAPE_FUNCTIONS[func](X0, z, u, v, **({"max_steps": 2} if func == "train" else {}))
    else:
        with pytest.raises(ValueError, match=r"must number .*; received \d+\."):
            SHAPE_FUNCTIONS[func](X0, z, u, v)
