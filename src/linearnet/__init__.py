"""linearnet: a two-layer linear network, its gradient training, and least squares.

The package behind the executable paper *A two-layer linear network trained by gradient descent
is least-squares regression*. Rows are samples: ``X0`` has shape ``(n, p)``, ``X = [1 X0]``,
``u`` has shape ``(p + 1, h)`` (row 0 the hidden biases), ``v`` has shape ``(h + 1,)`` (``v[0]``
the output bias), ``Y0 = X u``, ``Y = [1 Y0]`` and ``z_pred = Y v``.
"""

# Chapter 6's models, as submodules: ln.deep (any depth), ln.activation (a nonlinear hidden layer).
from linearnet import activation, deep
from linearnet.dynamics import invariant
from linearnet.gradients import gradients
from linearnet.landscape import classify_critical_point, hessian
from linearnet.model import add_bias, collapse, cost, hidden, init_params, predict, residual
from linearnet.regression import least_squares, normal_equations
from linearnet.training import DivergenceError, TrainResult, Trajectory, curvature_bound, train

__all__ = [
    "DivergenceError",
    "TrainResult",
    "Trajectory",
    "activation",
    "add_bias",
    "classify_critical_point",
    "collapse",
    "cost",
    "curvature_bound",
    "deep",
    "gradients",
    "hessian",
    "hidden",
    "init_params",
    "invariant",
    "least_squares",
    "normal_equations",
    "predict",
    "residual",
    "train",
]

__version__ = "0.1.0"
