"""Tests of linearnet.exact: gradients, cost and gradient steps in exact rational arithmetic."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from strategies import Problem, problems

import linearnet as ln
from linearnet import exact, symbolic


def as_fraction(e: sp.Expr) -> Fraction:
    """A SymPy rational as a Fraction (raises if ``e`` is not a rational number)."""
    q = sp.Rational(e)
    return Fraction(int(q.p), int(q.q))


def to_float(a: np.ndarray) -> np.ndarray:
    return np.array([float(x) for x in a.ravel()]).reshape(a.shape)


# --- fractions ---------------------------------------------------------------------------------


def test_fractions_are_the_exact_values_of_floats() -> None:
    q = exact.fractions([[0.1, -2.5], [3, 1e-300]])
    assert q.dtype == object
    assert q.shape == (2, 2)
    assert q[0, 0] == Fraction(3602879701896397, 2**55)
    assert q[0, 1] == Fraction(-5, 2)
    assert q[1, 0] == 3
    assert all(isinstance(x, Fraction) for x in q.ravel())
    assert float(q[1, 1]) == 1e-300


def test_fractions_keep_rationals_and_accept_sympy_and_numpy_scalars() -> None:
    q = exact.fractions([Fraction(1, 3), sp.Rational(-2, 7), np.int64(4), np.float32(0.5)])
    assert q.tolist() == [Fraction(1, 3), Fraction(-2, 7), Fraction(4), Fraction(1, 2)]
    assert exact.fractions(Fraction(5, 3)).shape == ()


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ([1.0, np.nan], r"entry \(1,\) must be finite"),
        ([[np.inf]], r"entry \(0, 0\) must be finite"),
        (["a"], r"must be a finite real number .* received 'a' of type str"),
        ([True], r"received True of type bool"),
        ([1 + 2j], r"of type complex"),
    ],
)
def test_fractions_reject_what_is_not_a_finite_real(value: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        exact.fractions(value)


# --- gradients and cost against the float package and against SymPy ---------------------------


def test_docstring_example_by_hand() -> None:
    # d = 1 + 2 * (0 + 1) - 1 = 2, r = X^T d = (2, 2)
    dC_du, dC_dv = exact.gradients([[1]], [1], [[0], [1]], [1, 2])
    assert dC_du.tolist() == [[4], [4]]
    assert dC_dv.tolist() == [2, 2]
    assert exact.cost([[1]], [1], [[0], [1]], [1, 2]) == 2


def test_integer_data_give_the_float_gradients_to_the_last_bit(
    note_problem: tuple[np.ndarray, ...],
) -> None:
    # dyadic data with small numerators: every float operation of ln.gradients is exact
    X0, z, u, v = note_problem
    dC_du, dC_dv = exact.gradients(X0, z, u, v)
    g_u, g_v = ln.gradients(X0, z, u, v)
    np.testing.assert_array_equal(to_float(dC_du), g_u)
    np.testing.assert_array_equal(to_float(dC_dv), g_v)
    assert float(exact.cost(X0, z, u, v)) == ln.cost(X0, z, u, v)


@given(problems())
def test_exact_gradients_agree_with_ln_gradients_at_float_points(prob: Problem) -> None:
    dC_du, dC_dv = exact.gradients(*prob)
    g_u, g_v = ln.gradients(*prob)
    # float rounding error of ln.gradients: a few ulps of the sums of absolute terms
    X = np.abs(ln.add_bias(prob.X0))
    abs_d = np.abs(prob.v[0]) + X @ np.abs(prob.u) @ np.abs(prob.v[1:]) + np.abs(prob.z)
    scale = 1.0 + float(np.max(X.T @ abs_d)) * (1.0 + float(np.max(np.abs(prob.u))))
    scale *= 1.0 + float(np.max(np.abs(prob.v)))
    np.testing.assert_allclose(to_float(dC_du), g_u, rtol=0, atol=1e-13 * scale)
    np.testing.assert_allclose(to_float(dC_dv), g_v, rtol=0, atol=1e-13 * scale)
    np.testing.assert_allclose(
        float(exact.cost(*prob)), ln.cost(*prob), rtol=0, atol=1e-13 * scale**2
    )


@pytest.mark.parametrize(("n", "p", "h"), [(3, 1, 1), (4, 2, 2), (2, 3, 2)])
def test_gradient_step_is_the_step_along_sympys_gradient(n: int, p: int, h: int) -> None:
    # reference: theta - eta * sp.diff(C, theta), substituted with the exact values of the floats
    net = symbolic.network(n, p, h)
    dC_du, dC_dv = symbolic.gradient(net)
    rng = np.random.default_rng(n + 10 * p + 100 * h)
    X0, z = rng.normal(size=(n, p)), rng.normal(size=n)
    u, v = rng.normal(size=(p + 1, h)), rng.normal(size=h + 1)
    values = symbolic.exact_values(net, X0=X0, z=z, u=u, v=v)
    eta = sp.Rational(3, 16)
    u_ref = (net.u - eta * dC_du).xreplace(values)
    v_ref = (net.v - eta * dC_dv).xreplace(values)

    u1, v1 = exact.gradient_step(X0, z, u, v, Fraction(3, 16))
    assert u1.tolist() == [[as_fraction(e) for e in row] for row in u_ref.tolist()]
    assert v1.tolist() == [as_fraction(e) for e in v_ref]
    # and the exact cost is the symbolic cost at the same values
    assert exact.cost(X0, z, u, v) == as_fraction(net.C.xreplace(values))


def test_gradient_step_accepts_fractions_and_a_float_step() -> None:
    u1, v1 = exact.gradient_step([[1]], [1], [[0], [1]], [1, 2], eta=0.25)
    assert u1.tolist() == [[-1], [0]]
    assert v1.tolist() == [Fraction(1, 2), Fraction(3, 2)]
    # a second step from the exact iterate: inputs of dtype object are accepted as they are
    u2, v2 = exact.gradient_step([[1]], [1], u1, v1, Fraction(1, 4))
    dC_du, dC_dv = exact.gradients([[1]], [1], u1, v1)
    assert (u2 == u1 - Fraction(1, 4) * dC_du).all()
    assert (v2 == v1 - Fraction(1, 4) * dC_dv).all()


def test_gradient_step_does_not_modify_its_arguments() -> None:
    u = exact.fractions([[0.5], [1.0]])
    v = exact.fractions([1.0, 2.0])
    u_before, v_before = u.copy(), v.copy()
    exact.gradient_step([[1.0]], [1.0], u, v, Fraction(1, 2))
    assert (u == u_before).all()
    assert (v == v_before).all()


def test_exact_steps_make_denominators_grow_fast() -> None:
    # the reason exact runs are short: the bits of the denominators roughly triple per step
    X0 = np.array([[-1.5], [-0.5], [0.5], [1.5]])
    z = np.array([0.0, 1.0, 1.0, 3.0])
    u, v = exact.fractions([[0.0], [-0.5]]), exact.fractions([1.25, 0.5])
    bits = []
    for _ in range(5):
        u, v = exact.gradient_step(X0, z, u, v, Fraction(1, 10))
        bits.append(max(q.denominator.bit_length() for q in [*u.ravel(), *v]))
    assert all(b2 > 2.5 * b1 for b1, b2 in itertools.pairwise(bits))


# --- errors ------------------------------------------------------------------------------------


GOOD = {"X0": [[1.0], [2.0]], "z": [0.0, 1.0], "u": [[0.0], [1.0]], "v": [0.0, 1.0]}


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        ({"u": [[0.0], [1.0], [2.0]]}, r"u's rows must number p \+ 1 = 2"),
        ({"v": [0.0, 1.0, 2.0]}, r"v's entries must number h \+ 1 = 2"),
        ({"z": [0.0]}, r"z's length must number n = 2"),
        ({"X0": [1.0, 2.0]}, r"X0 must be a 2-D array .* X0.reshape\(-1, 1\)"),
        ({"v": [0.0, np.nan]}, r"entry \(1,\) must be finite"),
        ({"u": [["x"], [1.0]]}, r"must be a finite real number"),
    ],
)
@pytest.mark.parametrize("function", ["gradients", "cost", "gradient_step"])
def test_exact_functions_reject_malformed_problems(
    function: str, bad: dict[str, object], match: str
) -> None:
    args = {**GOOD, **bad}
    extra = (Fraction(1, 2),) if function == "gradient_step" else ()
    with pytest.raises(ValueError, match=match):
        getattr(exact, function)(args["X0"], args["z"], args["u"], args["v"], *extra)


@pytest.mark.parametrize(
    ("eta", "match"),
    [
        (0, r"eta must be greater than 0; received 0"),
        (Fraction(-1, 2), r"eta must be greater than 0"),
        (float("nan"), r"must be finite"),
        ("0.1", r"must be a finite real number"),
    ],
)
def test_gradient_step_rejects_a_bad_step_size(eta: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        exact.gradient_step(GOOD["X0"], GOOD["z"], GOOD["u"], GOOD["v"], eta)
