"""Independent references, written from the note's sums with explicit loops over i, j, k.

Nothing here calls the package's matrix code: each function restates one equation of the note
(``../shared/seed/paper.md``) index by index, so a test that compares the two checks the
package's vectorised algebra against the note itself. Indices follow the note: samples
``i = 0..n-1``, inputs ``j = 0..p`` with ``x_{i0} = 1``, hidden units ``k = 0..h`` with
``y_{i0} = 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np

import linearnet as ln


def x(X0: np.ndarray, i: int, j: int) -> float:
    """The note's x_ij with the bias column: x_i0 = 1, x_ij = X0[i, j - 1] for j >= 1."""
    return 1.0 if j == 0 else float(X0[i, j - 1])


def hidden_loops(X0: np.ndarray, u: np.ndarray) -> np.ndarray:
    """y_ik = u_0k + sum_{j>=1} x_ij u_jk, for k = 1..h (returned as column k - 1)."""
    n, p = X0.shape
    h = u.shape[1]
    Y0 = np.zeros((n, h))
    for i in range(n):
        for k in range(h):
            Y0[i, k] = sum(x(X0, i, j) * u[j, k] for j in range(p + 1))
    return Y0


def predict_loops(X0: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Equation (1): z_i = v_0 + sum_k v_k y_ik."""
    Y0 = hidden_loops(X0, u)
    n, h = Y0.shape
    return np.array([v[0] + sum(v[k + 1] * Y0[i, k] for k in range(h)) for i in range(n)])


def cost_loops(X0: np.ndarray, z: np.ndarray, u: np.ndarray, v: np.ndarray) -> float:
    """C = 1/2 sum_i (z_i - z_i^pred)^2."""
    z_pred = predict_loops(X0, u, v)
    return 0.5 * sum((z[i] - z_pred[i]) ** 2 for i in range(len(z)))


def gradients_loops(
    X0: np.ndarray, z: np.ndarray, u: np.ndarray, v: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The note's per-weight sums, with d_i = -(z_i - z_i^pred).

    dC/du_jk = v_k sum_i x_ij d_i (x_i0 = 1);  dC/dv_0 = sum_i d_i;  dC/dv_k = sum_i y_ik d_i.
    """
    n, p = X0.shape
    h = u.shape[1]
    Y0 = hidden_loops(X0, u)
    z_pred = predict_loops(X0, u, v)
    d = [-(z[i] - z_pred[i]) for i in range(n)]
    dC_du = np.zeros((p + 1, h))
    for j in range(p + 1):
        for k in range(h):
            dC_du[j, k] = v[k + 1] * sum(x(X0, i, j) * d[i] for i in range(n))
    dC_dv = np.zeros(h + 1)
    dC_dv[0] = sum(d)
    for k in range(h):
        dC_dv[k + 1] = sum(Y0[i, k] * d[i] for i in range(n))
    return dC_du, dC_dv


def collapse_loops(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Equation (3) read off term by term: w_0 = v_0 + sum_k u_0k v_k, w_j = sum_k u_jk v_k."""
    p1, h = u.shape
    w = np.array([sum(u[j, k] * v[k + 1] for k in range(h)) for j in range(p1)])
    w[0] += v[0]
    return w


def normal_equations_loops(X0: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sum_i x_ia x_ib, sum_i x_ia z_i) for a, b = 0..p: equations (11)-(13) of the note."""
    n, p = X0.shape
    XtX = np.array(
        [
            [sum(x(X0, i, a) * x(X0, i, b) for i in range(n)) for b in range(p + 1)]
            for a in range(p + 1)
        ]
    )
    Xtz = np.array([sum(x(X0, i, a) * z[i] for i in range(n)) for a in range(p + 1)])
    return XtX, Xtz


def exact_least_squares(X0: np.ndarray, z: np.ndarray) -> list[Fraction]:
    """Solve X^T X w = X^T z exactly in rational arithmetic (the data's floats are rationals).

    Gaussian elimination with ``fractions.Fraction``: no rounding anywhere, so the result is the
    exact least-squares solution for exactly the float64 numbers the package receives.
    """
    X = [[Fraction(1)] + [Fraction(float(e)) for e in row] for row in X0]
    return least_squares_fractions(X, [Fraction(float(e)) for e in z])


def least_squares_fractions(X: list[list[Fraction]], z: list[Fraction]) -> list[Fraction]:
    """Solve X^T X w = X^T z for rational X (rows are samples) by Gaussian elimination.

    Raises StopIteration if X^T X is singular (no pivot in some column).
    """
    n, m = len(X), len(X[0])
    A = [
        [sum((X[i][a] * X[i][b] for i in range(n)), Fraction(0)) for b in range(m)]
        + [sum((X[i][a] * z[i] for i in range(n)), Fraction(0))]
        for a in range(m)
    ]
    for c in range(m):
        pivot = next(r for r in range(c, m) if A[r][c] != 0)  # StopIteration: singular
        A[c], A[pivot] = A[pivot], A[c]
        for r in range(c + 1, m):
            factor = A[r][c] / A[c][c]
            if factor:
                for col in range(c, m + 1):
                    A[r][col] -= factor * A[c][col]
    w = [Fraction(0)] * m
    for r in reversed(range(m)):
        w[r] = (A[r][m] - sum((A[r][col] * w[col] for col in range(r + 1, m)), Fraction(0))) / A[r][
            r
        ]
    return w


def flat(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """All weights as one vector theta = (u row by row, v)."""
    return np.concatenate([np.ravel(u), v])


def unflat(theta: np.ndarray, p: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`flat`."""
    return theta[: (p + 1) * h].reshape(p + 1, h), theta[(p + 1) * h :]


def cost_of_theta(X0: np.ndarray, z: np.ndarray, h: int) -> Callable[[np.ndarray], float]:
    """theta -> ln.cost at the weights theta encodes."""
    p = X0.shape[1]

    def C(theta: np.ndarray) -> float:
        return ln.cost(X0, z, *unflat(theta, p, h))

    return C


def fd_gradients(
    X0: np.ndarray, z: np.ndarray, u: np.ndarray, v: np.ndarray, step: float = 1e-5
) -> tuple[np.ndarray, np.ndarray]:
    """Central finite differences of ``ln.cost``: (C(theta + s e) - C(theta - s e)) / 2s."""
    C = cost_of_theta(X0, z, u.shape[1])
    theta = flat(u, v)
    g = np.zeros_like(theta)
    for a in range(theta.size):
        e = np.zeros_like(theta)
        e[a] = step
        g[a] = (C(theta + e) - C(theta - e)) / (2 * step)
    return unflat(g, X0.shape[1], u.shape[1])


def fd_hessian(
    X0: np.ndarray, z: np.ndarray, u: np.ndarray, v: np.ndarray, step: float = 1e-3
) -> np.ndarray:
    """Second central differences of ``ln.cost`` (C is a quartic, so the formula is exact up to
    a fourth-derivative term of order step**2 and rounding)."""
    C = cost_of_theta(X0, z, u.shape[1])
    theta = flat(u, v)
    m = theta.size
    H = np.zeros((m, m))
    for a in range(m):
        for b in range(a, m):
            ea = np.zeros(m)
            eb = np.zeros(m)
            ea[a] = step
            eb[b] = step
            H[a, b] = H[b, a] = (
                C(theta + ea + eb) - C(theta + ea - eb) - C(theta - ea + eb) + C(theta - ea - eb)
            ) / (4 * step**2)
    return H


def hessian_loops(X0: np.ndarray, z: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Second derivatives of C written out by hand, in theta order (u row by row, then v).

    d_i = v_0 + sum_k v_k y_ik - z_i is bilinear in (u, v), with dd_i/du_jk = v_k x_ij,
    dd_i/dv_0 = 1, dd_i/dv_k = y_ik, and the only non-zero second derivative
    d2d_i/du_jk dv_k = x_ij. Hence H = sum_i (grad d_i)(grad d_i)^T + sum_i d_i (hess d_i):

    H[u_jk, u_j'k'] = sum_i v_k x_ij v_k' x_ij'
    H[u_jk, v_0]    = sum_i v_k x_ij
    H[u_jk, v_q]    = sum_i v_k x_ij y_iq + [k == q] sum_i d_i x_ij
    H[v_0, v_0] = n,  H[v_0, v_q] = sum_i y_iq,  H[v_q, v_q'] = sum_i y_iq y_iq'.
    """
    n, p = X0.shape
    h = u.shape[1]
    Y0 = hidden_loops(X0, u)
    z_pred = predict_loops(X0, u, v)
    d = [z_pred[i] - z[i] for i in range(n)]
    m = (p + 1) * h + h + 1

    def u_index(j: int, k: int) -> int:
        return j * h + k

    def v_index(k: int) -> int:  # k = 0..h
        return (p + 1) * h + k

    H = np.zeros((m, m))
    for j in range(p + 1):
        for k in range(h):
            a = u_index(j, k)
            for j2 in range(p + 1):
                for k2 in range(h):
                    H[a, u_index(j2, k2)] = sum(
                        v[k + 1] * x(X0, i, j) * v[k2 + 1] * x(X0, i, j2) for i in range(n)
                    )
            H[a, v_index(0)] = H[v_index(0), a] = sum(v[k + 1] * x(X0, i, j) for i in range(n))
            for q in range(h):
                entry = sum(v[k + 1] * x(X0, i, j) * Y0[i, q] for i in range(n))
                if k == q:
                    entry += sum(d[i] * x(X0, i, j) for i in range(n))
                H[a, v_index(q + 1)] = H[v_index(q + 1), a] = entry
    H[v_index(0), v_index(0)] = n
    for q in range(h):
        H[v_index(0), v_index(q + 1)] = H[v_index(q + 1), v_index(0)] = sum(Y0[:, q])
        for q2 in range(h):
            H[v_index(q + 1), v_index(q2 + 1)] = sum(Y0[i, q] * Y0[i, q2] for i in range(n))
    return H
