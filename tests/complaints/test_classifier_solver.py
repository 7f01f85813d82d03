"""The joint dual coordinate-descent solver solves liblinear's problem (``LinearSVC``)."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.svm import LinearSVC

from paknam.complaints.classifier_solver import fit_dual_svms


def _data(seed: int = 3) -> tuple[sparse.csr_matrix, np.ndarray]:
    """400 sparse rows, unit length, three labels driven by different features (a row may
    carry several), with label noise so that some rows stay inside the margin."""
    rng = np.random.default_rng(seed)
    x = sparse.random(400, 300, density=0.05, random_state=rng, format="csr", dtype=np.float64)
    x = sparse.csr_matrix(x.multiply(1 / np.maximum(1e-9, sparse.linalg.norm(x, axis=1))[:, None]))
    truth = rng.normal(size=(300, 3))
    y = np.asarray(x @ truth) > 0.05
    y ^= rng.random(y.shape) < 0.05
    return x.astype(np.float32), y


def _objective(x: sparse.csr_matrix, w: np.ndarray, b: float, y: np.ndarray, c: float) -> float:
    margin = np.asarray(x @ w).ravel() + b
    loss = np.maximum(0.0, 1.0 - np.where(y, 1.0, -1.0) * margin) ** 2
    return 0.5 * (w @ w + b * b) + c * loss.sum()


def test_every_label_solves_the_problem_of_linearsvc() -> None:
    x, y = _data()
    w, b, alpha, passes = fit_dual_svms(x, y, c=0.5, tol=1e-5)
    assert w.shape == (300, 3) and b.shape == (3,) and alpha.shape == (400, 3)
    assert (alpha >= 0).all() and 1 < passes.min() <= passes.max() < 1000
    for m in range(3):
        svm = LinearSVC(C=0.5, tol=1e-5, max_iter=10_000, random_state=0)
        svm.fit(x.astype(np.float64), y[:, m])
        # the same optimum: liblinear's intercept is a feature of value 1, penalised too
        ours = _objective(x, w[:, m], b[m], y[:, m], 0.5)
        theirs = _objective(x, svm.coef_[0], svm.intercept_[0], y[:, m], 0.5)
        assert abs(ours - theirs) <= 1e-5 * theirs
        assert np.abs(w[:, m] - svm.coef_[0]).max() < 1e-3
        assert abs(b[m] - svm.intercept_[0]) < 1e-3
        # the primal weights are those of the dual variables: w = Σ α y x
        signs = np.where(y[:, m], 1.0, -1.0)
        assert np.allclose(x.T @ (alpha[:, m] * signs), w[:, m], atol=1e-6)


def test_warm_start_reaches_the_same_optimum_in_fewer_passes() -> None:
    x, y = _data(seed=5)
    _, _, early, _ = fit_dual_svms(x[:300], y[:300], c=0.5, tol=1e-4)
    start = np.zeros((400, 3))
    start[:300] = early
    cold_w, cold_b, _, cold_passes = fit_dual_svms(x, y, c=0.5, tol=1e-4)
    warm_w, warm_b, _, warm_passes = fit_dual_svms(x, y, c=0.5, tol=1e-4, alpha=start)
    assert warm_passes.sum() < cold_passes.sum()
    assert np.abs(warm_w - cold_w).max() < 1e-3 and np.abs(warm_b - cold_b).max() < 1e-3
