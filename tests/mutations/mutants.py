"""Wrong versions of the package's functions: each must make a chapter fail.

A *mutant* replaces one function of ``linearnet`` with a subtly wrong one (a factor off by a
part in a thousand, a term dropped, a sign flipped, a verdict swapped). The mutation run
(``test_mutations.py``) executes a chapter with the mutant in place and requires that a cell
tagged ``verifies:<label>`` fails: a check behind a badge that cannot see the mutant would let a
wrong package keep its ✓. Each entry names the chapter that must catch it.

``apply(name)`` is called in the notebook's kernel, before the chapter's first cell, by the
IPython start-up file that the test writes; nothing here is imported by the package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Wrap = Callable[[Callable[..., Any]], Callable[..., Any]]


def _replace(module: str, name: str, wrap: Wrap) -> None:
    """Replace ``module.name``, and ``linearnet.name`` where the package re-exports it."""
    import importlib

    import linearnet

    mod = importlib.import_module(module)
    original = getattr(mod, name)
    wrong = wrap(original)
    setattr(mod, name, wrong)
    if getattr(linearnet, name, None) is original:
        setattr(linearnet, name, wrong)


def _collapse_without_v0(f: Callable[..., Any]) -> Callable[..., Any]:
    def collapse(u: Any, v: Any) -> Any:
        w = f(u, v)
        w[0] -= np.asarray(v, dtype=float)[0]  # forget the output bias v_0
        return w

    return collapse


def _hidden_without_bias(f: Callable[..., Any]) -> Callable[..., Any]:
    def hidden(X0: Any, u: Any) -> Any:
        return f(X0, u) - np.asarray(u, dtype=float)[0]  # drop the hidden biases u_0k

    return hidden


def _scaled(factor: float) -> Wrap:
    def wrap(f: Callable[..., Any]) -> Callable[..., Any]:
        def scaled(*args: Any, **kwargs: Any) -> Any:
            return factor * f(*args, **kwargs)

        return scaled

    return wrap


def _core_gradients_scaled(f: Callable[..., Any]) -> Callable[..., Any]:
    def gradients(X: Any, z: Any, u: Any, v: Any) -> Any:
        d, g_u, g_v = f(X, z, u, v)
        return d, 1.001 * g_u, 1.001 * g_v  # every gradient, so train too, 0.1 % too long

    return gradients


def _hessian_uu_doubled(f: Callable[..., Any]) -> Callable[..., Any]:
    def hessian(X0: Any, z: Any, u: Any, v: Any) -> Any:
        H = f(X0, z, u, v).copy()
        nu = np.asarray(u).size
        H[:nu, :nu] *= 2.0  # the u-u block twice too large
        return H

    return hessian


def _saddles_called_minima(f: Callable[..., Any]) -> Callable[..., Any]:
    def classify(*args: Any, **kwargs: Any) -> str:
        verdict = f(*args, **kwargs)
        return "global minimum" if verdict == "strict saddle" else verdict

    return classify


def _invariant_plus(f: Callable[..., Any]) -> Callable[..., Any]:
    def invariant(u: Any, v: Any) -> Any:
        v1 = np.asarray(v, dtype=float)[1:]
        return f(u, v) + 2.0 * np.outer(v1, v1)  # u^T u + v v^T instead of u^T u - v v^T

    return invariant


def _deep_first_layer_scaled(f: Callable[..., Any]) -> Callable[..., Any]:
    def gradients(X0: Any, z: Any, weights: Any) -> Any:
        grads = f(X0, z, weights)
        grads[0] = 1.001 * grads[0]  # one layer's gradient 0.1 % off
        return grads

    return gradients


def _deep_collapse_without_output_bias(f: Callable[..., Any]) -> Callable[..., Any]:
    def collapse(weights: Any) -> Any:
        w = f(weights)
        w[0] -= float(np.asarray(weights[-1], dtype=float)[0])  # drop the last layer's bias
        return w

    return collapse


def _network_labels_swapped(f: Callable[..., Any]) -> Callable[..., Any]:
    def draw_network(*args: Any, **kwargs: Any) -> Any:
        ax = f(*args, **kwargs)
        a, b = (t for t in ax.texts if t.get_text() in ("$u_{01}$", "$u_{02}$"))
        a_text = a.get_text()
        a.set_text(b.get_text())  # the two labels on each other's edges, ids unchanged
        b.set_text(a_text)
        return ax

    return draw_network


#: name -> (module, function, how to make it wrong, the chapter that must catch it)
MUTANTS: dict[str, tuple[str, str, Wrap, str]] = {
    "collapse-without-v0": (
        "linearnet.model",
        "collapse",
        _collapse_without_v0,
        "book/01_model_outline.ipynb",
    ),
    "network-labels-swapped": (
        "linearnet.plotting",
        "draw_network",
        _network_labels_swapped,
        "book/01_model_outline.ipynb",
    ),
    "hidden-without-bias": (
        "linearnet.model",
        "hidden",
        _hidden_without_bias,
        "book/01_model_outline.ipynb",
    ),
    "cost-1e-7-too-large": (
        "linearnet.model",
        "cost",
        _scaled(1 + 1e-7),
        "book/02_gradient_training.ipynb",
    ),
    "gradient-0.1%-too-long": (
        "linearnet._core",
        "gradients",
        _core_gradients_scaled,
        "book/05_training_dynamics.ipynb",
    ),
    "least-squares-1e-9-off": (
        "linearnet.regression",
        "least_squares",
        _scaled(1 + 1e-9),
        "book/03_equivalence_proof.ipynb",
    ),
    "hessian-uu-block-doubled": (
        "linearnet.landscape",
        "hessian",
        _hessian_uu_doubled,
        "book/04_loss_landscape.ipynb",
    ),
    "saddles-called-minima": (
        "linearnet.landscape",
        "classify_critical_point",
        _saddles_called_minima,
        "book/04_loss_landscape.ipynb",
    ),
    "invariant-plus": (
        "linearnet.dynamics",
        "invariant",
        _invariant_plus,
        "book/05_training_dynamics.ipynb",
    ),
    "deep-gradient-one-layer-off": (
        "linearnet.deep",
        "gradients",
        _deep_first_layer_scaled,
        "book/06_deeper_networks.ipynb",
    ),
    "deep-collapse-without-output-bias": (
        "linearnet.deep",
        "collapse",
        _deep_collapse_without_output_bias,
        "book/06_deeper_networks.ipynb",
    ),
}


def apply(name: str) -> None:
    """Put mutant ``name`` in place of the function it replaces (in the notebook's kernel)."""
    module, function, wrap, _ = MUTANTS[name]
    _replace(module, function, wrap)
