r"""The forward pass and the gradient on validated arrays: the inner loop every public call shares.

No checks here: the public functions validate their arguments once
(``linearnet._validation.check_problem``) and then call these. ``X`` is the design
:math:`[1\ X_0]` of shape ``(n, p + 1)``.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
_A = TypeVar("_A", bound=NDArray[np.generic])


def with_ones(A: FloatArray) -> FloatArray:
    """``[1 A]``: prepend a column of ones to a validated 2-D array."""
    return np.column_stack([np.ones(A.shape[0]), A])


def forward(X: FloatArray, u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
    r"""Return ``(Y, z_pred)`` with :math:`Y = [1\ X u]` and :math:`z^{pred} = Y v`."""
    Y = with_ones(X @ u)
    return Y, Y @ v


def gradients(
    X: FloatArray, z: FloatArray, u: FloatArray, v: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return ``(d, dC_du, dC_dv)``: the residual and the gradient of :math:`C`."""
    Y, z_pred = forward(X, u, v)
    # d = z_pred - z
    d = z_pred - z
    # dC/du = X^T d [v1 ... vh]
    dC_du = np.outer(X.T @ d, v[1:])
    # dC/dv = Y^T d
    dC_dv = Y.T @ d
    return d, dC_du, dC_dv


def frozen(a: _A) -> _A:
    """Mark ``a`` read-only and return it (result arrays of the package are not to be written)."""
    a.flags.writeable = False
    return a
