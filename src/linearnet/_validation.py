"""Input validation shared by every public function.

One private helper per concern. Each raises :class:`ValueError` with a message that says what was
expected, what was received and how to fix it, so that no public function fails with a bare
``IndexError`` or broadcasts silently.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from linearnet._core import FloatArray, with_ones

_SHAPE_WORDS = {1: "a 1-D array of shape ({})", 2: "a 2-D array of shape ({})"}


def as_real_array(name: str, a: Any, *, ndim: int, shape: str) -> FloatArray:
    """Return ``a`` as a finite, non-empty float64 array with ``ndim`` dimensions.

    Parameters
    ----------
    name : str
        The argument's name, as the paper writes it (``"X0"``, ``"u"``, ...).
    a : array_like
        The value received.
    ndim : int
        The number of dimensions expected (1 or 2).
    shape : str
        The expected shape in words, e.g. ``"n, p"``, used in messages.

    Returns
    -------
    ndarray
        ``a`` as float64. The caller must not write to it: it may share memory with ``a``.

    Raises
    ------
    ValueError
        If ``a`` is not numeric, has the wrong number of dimensions, is empty, or holds NaN or
        infinite values.
    """
    expected = _SHAPE_WORDS[ndim].format(shape)
    try:
        arr = np.asarray(a)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"{name} must be {expected} of real numbers; received a ragged or unconvertible "
            f"{type(a).__name__} ({exc}). Pass a rectangular numeric array."
        ) from exc
    if arr.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} must hold real numbers; received an array of dtype {arr.dtype}. "
            f"Convert it first, e.g. np.asarray({name}, dtype=float)."
        )
    if arr.ndim != ndim:
        hint = ""
        if ndim == 2 and arr.ndim == 1:
            what = "feature" if name == "X0" else "column"
            hint = f" For a single {what} use {name}.reshape(-1, 1)."
        elif ndim == 1 and arr.ndim == 2 and 1 in arr.shape:
            hint = f" Flatten it with {name}.ravel()."
        raise ValueError(
            f"{name} must be {expected}; received a {arr.ndim}-D array of shape {arr.shape}.{hint}"
        )
    if arr.size == 0:
        raise ValueError(
            f"{name} must be {expected} with no zero-length dimension; received an empty array "
            f"of shape {arr.shape}."
        )
    arr = arr.astype(np.float64, copy=False)
    bad = ~np.isfinite(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must be finite; received {int(bad.sum())} NaN or infinite value(s), the "
            f"first at index {first if ndim > 1 else first[0]}. Remove or impute them first."
        )
    return arr


def check_length(name: str, got: int, expected: int, why: str) -> None:
    """Raise if a dimension does not have the length the model needs.

    Parameters
    ----------
    name : str
        What is measured, e.g. ``"u's rows"``.
    got, expected : int
        The length received and the length needed.
    why : str
        Where ``expected`` comes from, e.g. ``"p + 1 = 3, since X0 has p = 2 columns"``.

    Raises
    ------
    ValueError
        If ``got != expected``.
    """
    if got != expected:
        raise ValueError(f"{name} must number {why}; received {got}.")


def check_positive_int(name: str, value: Any) -> int:
    """Return ``value`` as an int, raising unless it is an integer >= 1.

    Raises
    ------
    ValueError
        If ``value`` is not an integer (``bool`` included) or is smaller than 1.
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(
            f"{name} must be a positive integer; received {value!r} of type {type(value).__name__}."
        )
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (at least 1); received {value}.")
    return int(value)


def check_positive_float(name: str, value: Any) -> float:
    """Return ``value`` as a float, raising unless it is a finite real number > 0.

    Raises
    ------
    ValueError
        If ``value`` is not a real number, or is not finite and positive.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(
            f"{name} must be a positive real number; received {value!r} of type "
            f"{type(value).__name__}."
        )
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number greater than 0; received {value!r}.")
    return float(value)


def check_inputs(X0: Any) -> FloatArray:
    """Validate the inputs ``X0`` of shape ``(n, p)``, rows as samples."""
    return as_real_array("X0", X0, ndim=2, shape="n, p")


def check_target(z: Any, n: int) -> FloatArray:
    """Validate the targets ``z`` of shape ``(n,)`` against the ``n`` rows of ``X0``."""
    z_arr = as_real_array("z", z, ndim=1, shape="n,")
    check_length("z's length", z_arr.shape[0], n, f"n = {n}, the number of rows of X0")
    return z_arr


def check_u(u: Any, p: int | None = None) -> FloatArray:
    """Validate the hidden-layer weights ``u`` of shape ``(p+1, h)``.

    Parameters
    ----------
    u : array_like
        The weights received.
    p : int, optional
        The number of input features, when known from ``X0``; ``u`` then needs ``p + 1`` rows.
        Otherwise ``u`` needs at least two rows (the biases and one input).
    """
    u_arr = as_real_array("u", u, ndim=2, shape="p + 1, h")
    if p is not None:
        check_length(
            "u's rows",
            u_arr.shape[0],
            p + 1,
            f"p + 1 = {p + 1} (row 0 holds the hidden biases, then one row per column of X0, "
            f"which has p = {p} columns)",
        )
    elif u_arr.shape[0] < 2:
        raise ValueError(
            f"u must have p + 1 >= 2 rows (row 0 holds the hidden biases, then one row per "
            f"input); received shape {u_arr.shape}."
        )
    return u_arr


def check_params(u: Any, v: Any, p: int | None = None) -> tuple[FloatArray, FloatArray]:
    """Validate ``u`` of shape ``(p+1, h)`` (see :func:`check_u`) and ``v`` of shape ``(h+1,)``.

    Raises
    ------
    ValueError
        If either is malformed or their shapes disagree.
    """
    u_arr = check_u(u, p)
    v_arr = as_real_array("v", v, ndim=1, shape="h + 1,")
    h = u_arr.shape[1]
    check_length(
        "v's entries",
        v_arr.shape[0],
        h + 1,
        f"h + 1 = {h + 1} (v[0] is the output bias, then one weight per hidden unit; u has "
        f"h = {h} columns)",
    )
    return u_arr, v_arr


def check_problem(
    X0: Any, z: Any, u: Any, v: Any
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Validate a whole problem once; return ``(X, z, u, v)`` with ``X = [1 X0]`` the design.

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree (see :func:`check_inputs`,
        :func:`check_target` and :func:`check_params`).
    """
    X, z_arr = check_data(X0, z)
    u_arr, v_arr = check_params(u, v, X.shape[1] - 1)
    return X, z_arr, u_arr, v_arr


def check_data(X0: Any, z: Any) -> tuple[FloatArray, FloatArray]:
    """Validate the data once; return ``(X, z)`` with ``X = [1 X0]`` the design.

    Raises
    ------
    ValueError
        If ``X0`` or ``z`` is malformed or ``len(z)`` is not the number of rows of ``X0``.
    """
    X0_arr = check_inputs(X0)
    return with_ones(X0_arr), check_target(z, X0_arr.shape[0])
