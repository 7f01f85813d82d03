"""Linear least squares for harmonic analysis: ordinary, and robust by iteratively
reweighted least squares (IRLS).

Robust fitting follows Holland and Welsch (1977) and DuMouchel and O'Brien (1989), the
method of MATLAB's ``robustfit`` that MATLAB UTide calls: residuals are adjusted for
leverage, scaled by a robust standard deviation (median absolute residual / 0.6745) and a
tuning constant, and each iteration minimises ``sum(w_i r_i^2)``. The default weight
function is Cauchy's, ``w = 1 / (1 + u^2)`` with tuning constant 2.385 (95 % efficiency
for normal errors), as UTide's default. (Python UTide 0.4 multiplies the rows by ``w``
instead of ``sqrt(w)``, so it minimises ``sum(w_i^2 r_i^2)``, a different estimator: on
records with many outliers, such as storm surges, the two differ by up to a centimetre.)

Normal equations are solved by Cholesky factorisation after scaling the columns to unit
norm; if they are badly conditioned (a constituent list closer than the record resolves)
the solution falls back to a singular value decomposition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack

__all__ = ["WEIGHT_FUNCTIONS", "LeastSquares", "ordinary", "robust"]

_MAX_CONDITION = 1e10
"""Condition number of the scaled normal matrix above which the SVD is used."""


def _cauchy(u: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + u * u)


def _huber(u: np.ndarray) -> np.ndarray:
    return 1.0 / np.maximum(1.0, np.abs(u))


def _bisquare(u: np.ndarray) -> np.ndarray:
    return np.where(np.abs(u) < 1.0, (1.0 - u * u) ** 2, 0.0)


WEIGHT_FUNCTIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], float]] = {
    "cauchy": (_cauchy, 2.385),
    "huber": (_huber, 1.345),
    "bisquare": (_bisquare, 4.685),
}
"""Weight function and its default tuning constant, by name."""


@dataclass(frozen=True)
class LeastSquares:
    """Solution of a (weighted) linear least-squares problem ``y ~ X b``.

    Attributes
    ----------
    coefficients : numpy.ndarray
        b, shape (m,).
    unscaled_covariance : numpy.ndarray
        ``(X^T W X)^-1``, shape (m, m); times the residual variance gives the covariance.
    weights : numpy.ndarray
        Final weights w, shape (n,) (all 1 for ordinary least squares).
    residuals : numpy.ndarray
        ``y - X b``, shape (n,).
    iterations : int
        Number of weighted solutions computed (1 for ordinary least squares).
    """

    coefficients: np.ndarray
    unscaled_covariance: np.ndarray
    weights: np.ndarray
    residuals: np.ndarray
    iterations: int

    def residual_variance(self) -> float:
        """``sum(w r^2) / (n - m)``: the variance of unit-weight residuals."""
        n, m = self.residuals.size, self.coefficients.size
        return float(np.sum(self.weights * self.residuals**2) / max(n - m, 1))


def _cholesky(scaled: np.ndarray) -> np.ndarray | None:
    """Upper Cholesky factor of a scaled normal matrix, None if it is badly conditioned."""
    factor, info = lapack.dpotrf(scaled, lower=0, clean=1)
    if info != 0:
        return None
    rcond, info = lapack.dpocon(factor, float(np.abs(scaled).sum(axis=0).max()))
    return factor if info == 0 and rcond * _MAX_CONDITION > 1.0 else None


def _svd_solution(x: np.ndarray, y: np.ndarray, root: np.ndarray) -> tuple:
    """Coefficients and ``(X^T W X)^-1`` (pseudo-inverse) by singular value decomposition."""
    u, s, vt = np.linalg.svd(x * root[:, None], full_matrices=False)
    keep = s > s[0] * np.finfo(float).eps * max(x.shape)
    s_inv = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)
    b = vt.T @ (s_inv * (u.T @ (y * root)))
    return b, (vt.T * s_inv**2) @ vt


def _solve_normal(x: np.ndarray, y: np.ndarray, w: np.ndarray | None) -> tuple:
    """Coefficients and ``(X^T W X)^-1`` of a weighted problem.

    Only the normal matrix uses threaded BLAS; the rest, on m x m matrices, uses a
    triangular inverse and einsum, which on small shared machines is much faster than
    LAPACK's threaded inverse."""
    root = np.ones_like(y) if w is None else np.sqrt(w)
    xw = x if w is None else x * root[:, None]
    gram = xw.T @ xw  # same operand twice: a symmetric rank-k update (half the work)
    rhs = np.einsum("nm,n->m", xw, y * root)
    scale = 1.0 / np.sqrt(np.maximum(np.diag(gram), np.finfo(float).tiny))
    factor = _cholesky(gram * np.outer(scale, scale))
    if factor is None:
        return _svd_solution(x, y, root)
    b, _ = lapack.dpotrs(factor, scale * rhs, lower=0)
    factor_inverse, _ = lapack.dtrtri(factor, lower=0)
    inverse = np.einsum("ik,jk->ij", factor_inverse, factor_inverse)
    return scale * b, inverse * np.outer(scale, scale)


def _residuals(x: np.ndarray, y: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``y - X b`` (einsum: no BLAS threads)."""
    return y - np.einsum("nm,m->n", x, b)


def ordinary(x: np.ndarray, y: np.ndarray) -> LeastSquares:
    """Ordinary least squares.

    Parameters
    ----------
    x : numpy.ndarray
        Design matrix, shape (n, m).
    y : numpy.ndarray
        Observations, shape (n,).
    """
    b, inverse = _solve_normal(x, y, None)
    return LeastSquares(b, inverse, np.ones_like(y), _residuals(x, y, b), 1)


def _leverage(x: np.ndarray, unscaled_covariance: np.ndarray) -> np.ndarray:
    """Diagonal of the hat matrix ``X (X^T X)^-1 X^T``."""
    return np.einsum("ij,ij->i", x @ unscaled_covariance, x)


def _robust_sigma(adjusted: np.ndarray, n_parameters: int) -> float:
    """Median absolute adjusted residual / 0.6745, leaving out the ``p - 1`` smallest (the
    fit makes that many residuals small), as MATLAB's ``robustfit``."""
    ordered = np.sort(np.abs(adjusted))
    return float(np.median(ordered[max(n_parameters - 1, 0) :]) / 0.6745)


def robust(
    x: np.ndarray,
    y: np.ndarray,
    *,
    weight_function: str = "cauchy",
    tune: float | None = None,
    max_iterations: int = 50,
    tolerance: float = 1e-6,
) -> LeastSquares:
    """Robust least squares by iteratively reweighted least squares.

    Parameters
    ----------
    x : numpy.ndarray
        Design matrix, shape (n, m).
    y : numpy.ndarray
        Observations, shape (n,).
    weight_function : {"cauchy", "huber", "bisquare"}
        Weight function of the scaled residual.
    tune : float, optional
        Tuning constant [1]; default that of the weight function (Cauchy 2.385).
    max_iterations : int
        Maximum number of reweighted solutions.
    tolerance : float
        Stop when no coefficient changes by more than this fraction of the largest one.
    """
    function, default_tune = WEIGHT_FUNCTIONS[weight_function]
    tune = default_tune if tune is None else tune
    first = ordinary(x, y)
    leverage = np.minimum(_leverage(x, first.unscaled_covariance), 0.9999)
    adjust = 1.0 / np.sqrt(1.0 - leverage)
    b, inverse, w = first.coefficients, first.unscaled_covariance, first.weights
    iterations = 1
    while iterations < max_iterations:
        adjusted = _residuals(x, y, b) * adjust
        sigma = _robust_sigma(adjusted, b.size)
        if sigma <= 0:
            break
        w = function(adjusted / (tune * sigma))
        new_b, inverse = _solve_normal(x, y, w)
        iterations += 1
        change = np.max(np.abs(new_b - b))
        b = new_b
        if change <= tolerance * max(np.max(np.abs(b)), np.finfo(float).tiny):
            break
    return LeastSquares(b, inverse, w, _residuals(x, y, b), iterations)
