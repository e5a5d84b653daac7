"""Tests of linearnet.symbolic_deep: the symbolic deep network against the numeric one."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from linearnet import deep, symbolic, symbolic_deep


def test_shapes_and_parameter_order() -> None:
    net = symbolic_deep.network(3, 2, [4, 1])
    assert [W.shape for W in net.weights] == [(3, 4), (5, 1), (2, 1)]
    assert [A.shape for A in net.hidden] == [(3, 4), (3, 1)]
    assert net.X.shape == (3, 3)
    assert net.z_pred.shape == net.d.shape == (3, 1)
    # the order of np.concatenate([w.ravel() for w in weights])
    assert net.parameters[:2] == [sp.Symbol("W1_0,0", real=True), sp.Symbol("W1_0,1", real=True)]
    assert net.parameters[-1] == sp.Symbol("W3_1", real=True)
    assert len(net.parameters) == 12 + 5 + 2


@pytest.mark.parametrize("widths", [(), (2,), (3, 1), (1, 2, 2)])
def test_exact_prediction_and_cost_match_the_package(widths: tuple[int, ...]) -> None:
    n, p = 4, 2
    net = symbolic_deep.network(n, p, widths)
    rng = np.random.default_rng(len(widths))
    X0, z = rng.normal(size=(n, p)), rng.normal(size=n)
    W = deep.init_params(p, list(widths), rng=rng, scale=1.0)
    values = symbolic_deep.exact_values(net, X0=X0, z=z, weights=W)
    np.testing.assert_allclose(
        symbolic.evaluate(net.z_pred, values).ravel(), deep.predict(X0, W), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(symbolic.evaluate(net.C, values), deep.cost(X0, z, W), rtol=1e-12)


def test_two_layers_are_the_note_network() -> None:
    net = symbolic_deep.network(2, 2, [2])
    two = symbolic.network(2, 2, 2)
    # rename the two-layer symbols to the deep ones; then the predictions are identical
    rename = dict(
        zip([*two.X0, *two.u, *two.v], [*net.X0, *net.weights[0], *net.weights[1]], strict=True)
    )
    symbolic.assert_identity(two.z_pred.xreplace(rename), net.z_pred, "same network")


def test_exact_values_maps_floats_to_their_exact_rationals() -> None:
    net = symbolic_deep.network(1, 1, [1])
    values = symbolic_deep.exact_values(net, X0=[[0.1]], weights=[[[0.5], [2.0]], [0.25, -1.0]])
    assert values[net.X0[0, 0]] == sp.Rational(*(0.1).as_integer_ratio())
    assert values[net.weights[1][0]] == sp.Rational(1, 4)
    assert net.z[0] not in values


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"weights": [[0.0, 1.0]]}, r"weights must hold 2 layers to fit the network; received 1"),
        ({"weights": [[[0.0], [1.0]], [0.0, 1.0, 2.0]]}, r"weights\[1\] must have shape \(2,\)"),
        ({"X0": [[0.0, 1.0]]}, r"X0 must have shape \(1, 1\)"),
        ({"z": [np.nan]}, r"z must be finite"),
    ],
)
def test_exact_values_bad_input(kwargs: dict[str, object], match: str) -> None:
    net = symbolic_deep.network(1, 1, [1])
    with pytest.raises(ValueError, match=match):
        symbolic_deep.exact_values(net, **kwargs)  # type: ignore[arg-type]


def test_network_bad_input() -> None:
    with pytest.raises(ValueError, match=r"widths\[0\] must be a positive integer"):
        symbolic_deep.network(2, 1, [0])
    with pytest.raises(ValueError, match=r"n must be a positive integer"):
        symbolic_deep.network(0, 1, [])
