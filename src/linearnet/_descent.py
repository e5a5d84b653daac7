r"""Gradient descent on any list of weight arrays: the loop every ``train`` of the package shares.

:func:`linearnet.train`, :func:`linearnet.deep.train` and :func:`linearnet.activation.train`
differ only in how they compute the residual, the gradient, and the change of the cost along a
step (``evaluate``); this module holds the rest: Armijo backtracking (try the last step times
1.5, halve it until :math:`C` falls by at least :math:`\tfrac12 \eta \lVert \nabla C \rVert^2`),
the fixed-step mode with its divergence test, the stopping rule, and the recorded trajectory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from linearnet._core import FloatArray
from linearnet._validation import check_positive_float, check_positive_int

#: A run whose cost grows by this factor over its starting value is declared divergent.
DIVERGENCE_FACTOR = 1e6
#: Armijo's sufficient-decrease constant for the automatic step size.
_ARMIJO = 0.5
#: After an accepted automatic step, the next one is tried this much longer.
_GROW = 1.5


class DivergenceError(RuntimeError):
    """Gradient descent diverged: the cost became non-finite or grew without bound.

    Besides its message it carries the figures the message prints: ``lr``, ``steps`` (taken
    when the divergence was detected), ``cost_start`` and ``cost_end``.
    """

    def __init__(
        self, message: str, *, lr: float, steps: int, cost_start: float, cost_end: float
    ) -> None:
        super().__init__(message)
        self.lr, self.steps = lr, steps
        self.cost_start, self.cost_end = cost_start, cost_end


#: ``evaluate(weights) -> (d, grads, change)``: the residual, one gradient array per weight
#: array, and ``change(eta) = C(weights - eta grads) - C(weights)``.
Evaluate = Callable[
    [list[FloatArray]], tuple[FloatArray, list[FloatArray], Callable[[float], float]]
]


@dataclass(frozen=True)
class Descent:
    """What :func:`descend` returns: final weights and the run's record."""

    weights: list[FloatArray]
    costs: FloatArray
    steps: int
    converged: bool
    grad_norm: float
    recorded: list[tuple[int, list[FloatArray]]]  # (step, weights): with record_every only


def check_settings(lr: float | None, max_steps: int, tol: float) -> tuple[float | None, int, float]:
    """Validate the settings every ``train`` takes; return them as ``(lr, max_steps, tol)``."""
    return (
        None if lr is None else check_positive_float("lr", lr),
        check_positive_int("max_steps", max_steps),
        check_positive_float("tol", tol),
    )


def descend(
    evaluate: Evaluate,
    weights: Sequence[FloatArray],
    *,
    lr: float | None,
    max_steps: int,
    tol: float,
    first_step: float = 1.0,
    record_every: int | None = None,
    hint: str = "",
) -> Descent:
    r"""Run gradient descent from ``weights`` (validated, not modified) until a stop.

    Stops with ``converged=True`` once :math:`\lVert \nabla C \rVert \le` ``tol``; otherwise after
    ``max_steps`` steps, or (automatic step) when no step decreases :math:`C` any more, which
    happens only at the rounding level. The first automatic step tried is ``first_step``
    (backtracking shortens it). With ``record_every = k`` the weights at steps ``0, k, 2k, ...``
    and at the last step are recorded. ``hint`` is added to the divergence message.

    Raises
    ------
    DivergenceError
        With a fixed ``lr``, if the cost becomes non-finite or exceeds ``DIVERGENCE_FACTOR``
        times its starting value.
    """
    W = [w.copy() for w in weights]
    d, G, change = evaluate(W)
    costs = [0.5 * float(d @ d)]
    eta = first_step if lr is None else lr
    steps = 0
    g2 = _squared_norm(G)
    recorded = [(0, W)] if record_every else []
    while np.sqrt(g2) > tol and steps < max_steps:
        if lr is None:
            accepted = _backtrack(change, g2, eta)
            if accepted is None:
                break
            W = [w - accepted * g for w, g in zip(W, G, strict=True)]
            d, G, change = evaluate(W)
            eta = accepted * _GROW
        else:
            # Overflow is reported as DivergenceError below, not as NumPy's RuntimeWarning.
            with np.errstate(over="ignore", invalid="ignore"):
                W = [w - eta * g for w, g in zip(W, G, strict=True)]
                d, G, change = evaluate(W)
                C_new = 0.5 * float(d @ d)
            if not np.isfinite(C_new) or C_new > DIVERGENCE_FACTOR * max(costs[0], 1e-300):
                raise DivergenceError(
                    f"gradient descent diverged with lr={eta:g}: after {steps + 1} step(s) the "
                    f"cost grew from {costs[0]:.4g} to {C_new:.4g}.{hint} Pass a smaller lr, or "
                    f"lr=None to let train choose the step by backtracking.",
                    lr=eta,
                    steps=steps + 1,
                    cost_start=costs[0],
                    cost_end=C_new,
                )
        costs.append(0.5 * float(d @ d))
        steps += 1
        g2 = _squared_norm(G)
        if record_every and steps % record_every == 0:
            recorded.append((steps, W))
    if recorded and recorded[-1][0] != steps:
        recorded.append((steps, W))
    converged = bool(np.sqrt(g2) <= tol)
    costs_arr = np.asarray(costs, dtype=np.float64)
    return Descent(W, costs_arr, steps, converged, float(np.sqrt(g2)), recorded)


def _squared_norm(G: list[FloatArray]) -> float:
    """Return the squared norm of the full gradient, summed over all weight arrays."""
    return sum(float(np.sum(g * g)) for g in G)


def _backtrack(change: Callable[[float], float], g2: float, eta: float) -> float | None:
    r"""Halve ``eta`` until :math:`C` falls by :math:`\tfrac12 \eta \lVert g \rVert^2` (Armijo).

    Returns ``None`` if no step of at least 1e-300 does. A trial step so long that the cost
    overflows counts as a failed trial (``not <=`` also rejects NaN).
    """
    while True:
        with np.errstate(over="ignore", invalid="ignore"):
            ok = change(eta) <= -_ARMIJO * eta * g2
        if ok:
            return eta
        eta *= 0.5
        if eta <= 1e-300:
            return None
