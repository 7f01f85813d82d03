"""Linear SVMs of many labels at once: dual coordinate descent (liblinear's method) in numba.

The problem of each label is liblinear's ``L2R_L2LOSS_SVC_DUAL`` (what scikit-learn's
``LinearSVC`` solves by default): squared hinge loss, L2 penalty, the intercept a feature
of value 1 that is penalised like the others. Its dual, for label ``l`` with ``y_il = ±1``::

    min_{α ≥ 0}  ½‖Σ_i α_il y_il x_i‖² + Σ_i α_il² / (4C) − Σ_i α_il

Coordinate descent on ``α_il`` (Hsieh et al. 2008), rows in a new random order each pass,
until the projected gradients of a label span at most ``tol`` (liblinear's stopping rule).

What differs from fitting one ``LinearSVC`` per label:

- **all labels in one pass over the rows**: the weights are stored feature × label, so a
  row's features are read once for every label (liblinear reads the matrix once per label
  and pass); a label that has converged stops being updated;
- **no copy of the matrix**: the float32 CSR matrix is read as it is (liblinear copies it
  into its own nodes, 16 bytes per non-zero, per fit);
- a row none of whose labels needs it (liblinear's shrinking rule for every label) is left
  out of the next passes, until all labels have converged on the remaining rows; then
  every row is checked once more, as liblinear does.

``alpha`` may start from an earlier solution (warm start). Measured on the 117,740 real
tickets, starting the refit from the report fit's dual variables saved one or two of 14–16
passes and no CPU time (docs/performance.md), so ``train`` does not use it.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy import sparse


@njit(nogil=True, cache=True)
def _dual_cd(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    y: np.ndarray,
    alpha: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    c: float,
    tol: float,
    max_iter: int,
    seed: int,
    passes_of: np.ndarray,
) -> int:  # pragma: no cover - compiled; exercised through fit_dual_svms
    n, labels = y.shape
    diag = 0.5 / c
    qd = np.empty(n)
    for i in range(n):
        s = 1.0 + diag  # the intercept's feature (1) and the L2 loss's diagonal
        for p in range(indptr[i], indptr[i + 1]):
            s += data[p] * data[p]
        qd[i] = s
    order = np.arange(n)
    active = n  # rows order[:active] are visited; the others are shrunk (liblinear's rule)
    g = np.empty(labels)
    d = np.empty(labels)
    pg_max = np.empty(labels)
    pg_min = np.empty(labels)
    old_max = np.full(labels, np.inf)
    old_min = np.full(labels, -np.inf)
    done = np.zeros(labels, dtype=np.bool_)
    np.random.seed(seed)
    passes = 0
    while passes < max_iter:
        passes += 1
        full = active == n
        np.random.shuffle(order[:active])
        pg_max[:] = -np.inf
        pg_min[:] = np.inf
        k = 0
        while k < active:
            i = order[k]
            start, stop = indptr[i], indptr[i + 1]
            for m in range(labels):
                g[m] = b[m]
            for p in range(start, stop):
                j = indices[p]
                v = data[p]
                for m in range(labels):
                    g[m] += w[j, m] * v
            moved = False
            shrink = True
            for m in range(labels):
                d[m] = 0.0
                if done[m]:
                    continue
                a = alpha[i, m]
                grad = y[i, m] * g[m] - 1.0 + a * diag
                pg = grad
                if a == 0.0:
                    if grad > old_max[m]:
                        continue  # this label would shrink the row
                    if grad > 0.0:
                        pg = 0.0
                shrink = False
                if pg > pg_max[m]:
                    pg_max[m] = pg
                if pg < pg_min[m]:
                    pg_min[m] = pg
                if abs(pg) > 1e-12:
                    new = a - grad / qd[i]
                    if new < 0.0:
                        new = 0.0
                    alpha[i, m] = new
                    d[m] = (new - a) * y[i, m]
                    if d[m] != 0.0:
                        moved = True
            if shrink:  # no label needs this row for now: swap it out of the active part
                active -= 1
                order[k], order[active] = order[active], order[k]
                continue
            if moved:
                for p in range(start, stop):
                    j = indices[p]
                    v = data[p]
                    for m in range(labels):
                        w[j, m] += d[m] * v
                for m in range(labels):
                    b[m] += d[m]
            k += 1
        verify = False
        finished = True
        for m in range(labels):
            if done[m]:
                continue
            if pg_max[m] - pg_min[m] <= tol or pg_max[m] == -np.inf:
                if full:
                    done[m] = True  # converged on every row
                    passes_of[m] = passes
                    continue
                verify = True  # converged on the active rows: check every row once more
            finished = False
        if finished:
            break
        if verify:
            active = n
            old_max[:] = np.inf
            old_min[:] = -np.inf
            continue
        for m in range(labels):
            old_max[m] = pg_max[m] if pg_max[m] > 0.0 else np.inf
            old_min[m] = pg_min[m] if pg_min[m] < 0.0 else -np.inf
    return passes


@njit(nogil=True, cache=True)
def _primal(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, ay: np.ndarray, w: np.ndarray
) -> None:  # pragma: no cover - compiled; exercised through fit_dual_svms
    """w += Σ_i ay_i x_i (rows × labels ``ay``), without a transposed copy of the matrix."""
    n, labels = ay.shape
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            v = data[p]
            for m in range(labels):
                w[j, m] += ay[i, m] * v


def fit_dual_svms(
    x: sparse.csr_matrix,
    y: np.ndarray,
    *,
    c: float,
    tol: float,
    alpha: np.ndarray | None = None,
    max_iter: int = 1000,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weights (features × labels), intercepts, dual variables (rows × labels) and the
    passes over the rows each label took to converge (``max_iter``: it did not).

    ``x``: rows × features (CSR, float32 or float64, read as it is). ``y``: rows × labels,
    true where the row carries the label. ``alpha``: a warm start (rows × labels, ≥ 0; 0
    for rows or labels not seen before). The weights are float64: 8 bytes × features ×
    labels (2^19 + 2^17 columns × 12 labels: 63 MB). ``seed``: the order of the rows.
    """
    n, labels = y.shape
    signs = np.where(y, 1.0, -1.0)
    if alpha is None:
        alpha = np.zeros((n, labels))
    alpha = np.ascontiguousarray(alpha, dtype=np.float64)
    x = x.tocsr()
    w = np.zeros((x.shape[1], labels))
    b = np.zeros(labels)
    indptr = x.indptr.astype(np.int64, copy=False)
    if alpha.any():  # the weights of the warm start: w = Σ α y x, b = Σ α y
        _primal(indptr, x.indices, x.data, alpha * signs, w)
        b = (alpha * signs).sum(axis=0)
    passes_of = np.full(labels, max_iter)
    _dual_cd(
        indptr,
        x.indices,
        x.data,
        signs,
        alpha,
        w,
        b,
        float(c),
        float(tol),
        int(max_iter),
        int(seed),
        passes_of,
    )
    return w, b, alpha, passes_of
