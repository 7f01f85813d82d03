"""Thai complaint text → category (and so agency): a linear model on hashed TF-IDF features,
with calibrated probabilities and a confidence threshold for routing without an officer.

Features (:class:`Featurizer`): character 2–4-grams within word boundaries (robust to
Thai's missing spaces and to typos) and word unigrams and bigrams, each hashed
(``HashingVectorizer``, no vocabulary kept in memory) into a fixed number of columns, in
float32, then TF-IDF-weighted (sublinear tf, idf of the training rows) and L2-normalised.
Words are pythainlp's newmm words by nlpO3 (its Rust implementation) by default; newmm in
python (model version 2) and the tokens between spaces are options.

Model: one linear SVM per label (liblinear's problem, as ``LinearSVC``), multi-label aware by
binary relevance (a ticket with labels ``{a,b}`` is a positive example for ``a`` *and* for
``b``), all labels fitted together by :mod:`~paknam.complaints.classifier_solver` (model
version 4; ``solver="liblinear"`` fits one ``LinearSVC`` per label as version 3 did). Scores are
turned into **probabilities** by a softmax whose temperature is fitted on held-out months
(:func:`fit_temperature`); ``threshold`` is the probability above which a ticket is routed
without an officer (chosen on held-out months, see :func:`choose_threshold`).

The model file is a joblib pickle: load only files you built (``paknam complaints train``).
"""

from __future__ import annotations

import itertools
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.svm import LinearSVC

from paknam.complaints.classifier_data import Tickets
from paknam.complaints.classifier_metrics import (
    auto_scores,
    baseline_top1,
    majority_label,
    ranked_scores,
)
from paknam.core.errors import InvalidInput

MODEL_FILE = "complaints_classifier.joblib"
FORMAT = 2
VERSION = "4"
"""Bumped when features or model change; recorded in the model file. 4: the SVMs of every
label fitted together (classifier_solver), same problem as 3's, same file format."""
MIN_AUTO_TICKETS = 30
"""A label with fewer training tickets is never routed without an officer."""
FIT_THREADS_ENV = "PAKNAM_TRAIN_THREADS"


def fit_threads() -> int:
    """Threads that fit the SVMs: ``PAKNAM_TRAIN_THREADS``, else 2 (or 1 on one core).
    The labels are split into that many groups, each fitted in its own thread (the solver
    runs without the GIL) with its own weights (features × labels of the group, float64:
    about 60 MB per 12 labels at 2^19 + 2^17 columns); the matrix is shared, not copied.
    With ``solver="liblinear"``: labels fitted at a time, each holding liblinear's copy of
    the matrix (16 bytes per non-zero)."""
    raw = os.environ.get(FIT_THREADS_ENV, "").strip()
    if not raw:
        return max(1, min(2, os.cpu_count() or 1))
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidInput(f"{FIT_THREADS_ENV}={raw!r}: a whole number ≥ 1", field="threads")
    return int(raw)


@dataclass(frozen=True)
class ClassifierConfig:
    """Choices of features and model (see the validation table in docs/complaints.md)."""

    char_ngrams: tuple[int, int] = (2, 4)
    char_bits: int = 19  # 2**19 hashed character columns
    words: str = "nlpo3"  # "nlpo3" | "newmm" (pythainlp's newmm words) | "spaces" | "none"
    word_bits: int = 17
    max_chars: int = 200  # features from the first characters only (memory, time)
    model: str = "svc"  # one-vs-rest linear SVM per label (squared hinge, L2; liblinear's)
    c: float = 0.5
    tol: float = 1e-2  # liblinear's stopping tolerance: 1e-3 took 13 % more time, same scores
    solver: str = "dual_cd"  # all labels at once (classifier_solver) | "liblinear" (v3)
    multi_label: bool = True  # binary relevance (all labels); False: first label only


DEFAULT_CONFIG = ClassifierConfig()


def thai_words(text: str) -> list[str]:
    """pythainlp newmm words and word bigrams of ``text`` (the ``newmm`` word analyzer of
    model version 2)."""
    from pythainlp.tokenize import word_tokenize

    tokens = word_tokenize(text.lower(), engine="newmm", keep_whitespace=False)
    return _with_bigrams([w for w in tokens if w.strip()])


def thai_words_o3(text: str) -> list[str]:
    """Words and word bigrams of ``text`` by nlpO3, the Rust implementation of newmm with
    pythainlp's dictionary (the ``nlpo3`` word analyzer): five times faster than
    :func:`thai_words`, and the same words but for punctuation next to a word."""
    from pythainlp.tokenize.nlpo3 import segment

    return _with_bigrams([w for w in segment(text.lower()) if w.strip()])


def _with_bigrams(words: list[str]) -> list[str]:
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class Featurizer:
    """Texts → hashed term counts, one sparse float32 block per view (stateless)."""

    config: ClassifierConfig

    def vectorizers(self) -> list[HashingVectorizer]:
        c = self.config
        common: dict[str, Any] = {"alternate_sign": False, "norm": None, "dtype": np.float32}
        out = [
            HashingVectorizer(
                analyzer="char_wb",
                ngram_range=c.char_ngrams,
                n_features=2**c.char_bits,
                lowercase=True,
                **common,
            )
        ]
        if c.words == "spaces":
            out.append(
                HashingVectorizer(
                    analyzer="word",
                    token_pattern=r"\S+",
                    ngram_range=(1, 2),
                    n_features=2**c.word_bits,
                    lowercase=True,
                    **common,
                )
            )
        elif c.words in ("nlpo3", "newmm"):
            words = thai_words_o3 if c.words == "nlpo3" else thai_words
            out.append(HashingVectorizer(analyzer=words, n_features=2**c.word_bits, **common))
        elif c.words != "none":
            raise InvalidInput(
                f"unknown word view {c.words!r}: nlpo3, newmm, spaces or none", field="words"
            )
        return out

    def counts(self, texts: Sequence[str]) -> list[sparse.csr_matrix]:
        cut = [t[: self.config.max_chars] for t in texts]
        return [v.transform(cut) for v in self.vectorizers()]


def _rows(blocks: list[sparse.csr_matrix], idx: np.ndarray | None) -> list[sparse.csr_matrix]:
    return blocks if idx is None else [b[idx] for b in blocks]


def softmax(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = scores * temperature
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def fit_temperature(
    scores: np.ndarray, labels: Sequence[Sequence[str]], classes: list[str]
) -> float:
    """The softmax temperature that minimises the log-loss of ``scores`` on ``labels``.

    A ticket with several labels counts the probability of all of them as right.
    """
    index = {c: j for j, c in enumerate(classes)}
    mask = np.zeros(scores.shape, dtype=bool)
    for i, ls in enumerate(labels):
        for label in ls:
            if label in index:
                mask[i, index[label]] = True
    keep = mask.any(axis=1)
    if not keep.any():
        return 1.0
    s, m = scores[keep], mask[keep]

    def loss(t: float) -> float:
        p = softmax(s, t)
        return float(-np.log(np.maximum((p * m).sum(axis=1), 1e-12)).mean())

    grid = np.geomspace(0.25, 64.0, 49)
    best = min(grid, key=loss)
    fine = np.geomspace(best / 1.15, best * 1.15, 13)
    return float(min(fine, key=loss))


def _fit_svm(x: sparse.csr_matrix, config: ClassifierConfig, y: np.ndarray) -> tuple[Any, Any]:
    """Weights and intercept of one label's linear SVM (``y``: the tickets carrying it)."""
    svm = LinearSVC(C=config.c, tol=config.tol, random_state=0).fit(x, y)
    return svm.coef_[0], svm.intercept_[0]


def _fit_liblinear(
    x: sparse.csr_matrix, config: ClassifierConfig, ys: list[np.ndarray], threads: int
) -> LinearScores:
    """Model version 3: one ``LinearSVC`` per label, ``threads`` labels at a time."""
    coef = np.zeros((len(ys), x.shape[1]), dtype=np.float32)
    intercept = np.zeros(len(ys), dtype=np.float32)
    with ThreadPoolExecutor(threads) as pool:  # liblinear runs without the GIL
        for j, (w, b) in enumerate(pool.map(partial(_fit_svm, x, config), ys)):
            coef[j] = w
            intercept[j] = b
    return LinearScores(coef, intercept)


def _fit_dual(
    x: sparse.csr_matrix, config: ClassifierConfig, y: np.ndarray, threads: int
) -> LinearScores:
    """Every label's SVM by :func:`~paknam.complaints.classifier_solver.fit_dual_svms`
    (``y``: tickets × labels), the labels dealt into ``threads`` groups fitted side by side
    on the same matrix."""
    from paknam.complaints.classifier_solver import fit_dual_svms  # numba: training only

    labels = y.shape[1]
    # the most frequent labels first, dealt in turn: groups of about equal work
    order = np.argsort(-y.sum(axis=0), kind="stable")
    groups = [np.sort(order[g::threads]) for g in range(min(threads, labels))]

    def fit_group(g: int) -> tuple[np.ndarray, np.ndarray]:
        w, b, _, _ = fit_dual_svms(x, y[:, groups[g]], c=config.c, tol=config.tol, seed=g)
        return w.T, b

    coef = np.zeros((labels, x.shape[1]), dtype=np.float32)
    intercept = np.zeros(labels, dtype=np.float32)
    with ThreadPoolExecutor(len(groups)) as pool:  # the solver runs without the GIL
        for cols, (w, b) in zip(groups, pool.map(fit_group, range(len(groups))), strict=True):
            coef[cols] = w
            intercept[cols] = b
    return LinearScores(coef, intercept)


@dataclass
class LinearScores:
    """One linear scorer per label (one-vs-rest SVMs), weights in float32."""

    coef: np.ndarray  # labels × features
    intercept: np.ndarray

    def decision_function(self, x: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(x @ self.coef.T) + self.intercept


@dataclass
class ComplaintClassifier:
    """A trained classifier. Build with :meth:`fit`; persist with :meth:`save`/:meth:`load`."""

    config: ClassifierConfig
    idf: list[TfidfTransformer]
    model: Any
    classes: list[str]
    majority: str
    label_counts: dict[str, int] = field(default_factory=dict)
    temperature: float = 1.0
    threshold: float = 1.01  # above every probability: no auto-routing until chosen
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fit(
        cls,
        tickets: Tickets,
        config: ClassifierConfig = DEFAULT_CONFIG,
        progress: Progress = _quiet,
        counts: list[sparse.csr_matrix] | None = None,
        threads: int | None = None,
    ) -> ComplaintClassifier:
        """Fit on ``tickets``; ``counts`` (:meth:`Featurizer.counts` of their texts) saves
        hashing them again: the list is emptied once weighed (peak memory). ``threads``:
        see :func:`fit_threads`."""
        if len(tickets) < 2:
            raise InvalidInput("need at least 2 labelled tickets to train", field="csv")
        threads = threads or fit_threads()  # a bad setting is refused before any work
        t0 = time.perf_counter()
        if counts is None:
            progress("features …")
            counts = Featurizer(config).counts(tickets.texts)
        if config.solver not in ("dual_cd", "liblinear"):
            raise InvalidInput(
                f"unknown solver {config.solver!r}: dual_cd or liblinear", field="solver"
            )
        idf = [TfidfTransformer(sublinear_tf=True).fit(b) for b in counts]
        # liblinear takes float64 (made here, so that it makes no copy); dual_cd float32
        x = _weigh(idf, counts, None, np.float64 if config.solver == "liblinear" else np.float32)
        counts.clear()  # the caller's hashed counts are no longer needed
        if config.multi_label:
            classes = sorted({label for ls in tickets.labels for label in ls})
        else:
            classes = sorted({ls[0] for ls in tickets.labels})
        if len(classes) < 2:
            raise InvalidInput("the tickets carry only one label; need at least two", field="csv")
        if config.model != "svc":
            raise InvalidInput(f"unknown model {config.model!r}: svc", field="model")
        progress(
            f"fitting {len(classes)} linear SVMs on {x.shape[0]:,} tickets × "
            f"{x.shape[1]:,} features …"
        )
        if config.multi_label:  # binary relevance: every ticket carrying the label
            ys = [np.fromiter((c in ls for ls in tickets.labels), bool) for c in classes]
        else:
            ys = [np.fromiter((ls[0] == c for ls in tickets.labels), bool) for c in classes]
        if config.solver == "liblinear":
            model = _fit_liblinear(x, config, ys, threads)
        else:
            model = _fit_dual(x, config, np.column_stack(ys), threads)
        del x, ys
        seconds = time.perf_counter() - t0
        progress(f"trained in {seconds:.0f} s")
        label_counts = Counter(label for ls in tickets.labels for label in ls)
        return cls(
            config,
            idf,
            model,
            classes,
            majority_label(tickets.labels),
            dict(sorted(label_counts.items(), key=lambda kv: -kv[1])),
            meta={
                "version": VERSION,
                "n_tickets": len(tickets),
                "train_seconds": round(seconds, 1),
                "trained_from": int(tickets.times.min()),
                "trained_until": int(tickets.times.max()) + 1,
            },
        )

    def features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return _weigh(self.idf, Featurizer(self.config).counts(texts))

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Raw linear scores (tickets × classes); higher = more likely."""
        return self._decision(self.features(texts))

    def decision_from_counts(self, counts: list[sparse.csr_matrix]) -> np.ndarray:
        """Raw linear scores of texts already hashed (:meth:`Featurizer.counts`)."""
        return self._decision(_weigh(self.idf, counts))

    def _decision(self, x: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(self.model.decision_function(x), dtype=np.float64)

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities (tickets × classes, rows sum to 1)."""
        return self.proba_from_decision(self.decision(texts))

    def proba_from_decision(self, scores: np.ndarray) -> np.ndarray:
        return softmax(scores, self.temperature)

    def rank(self, texts: Sequence[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """The ``k`` best labels of each text with their probabilities, best first."""
        if not texts:
            return []
        p = self.proba(texts)
        order = np.argsort(-p, axis=1)[:, :k]
        return [[(self.classes[j], float(p[i, j])) for j in row] for i, row in enumerate(order)]

    def auto_allowed(self, label: str, probability: float) -> bool:
        """Whether a top-1 guess may be routed without an officer: sure enough, and of a
        label the model has seen often enough."""
        return probability >= self.threshold and self.label_counts.get(label, 0) >= MIN_AUTO_TICKETS

    def score_texts(self, texts: Sequence[str], batch: int = 20_000) -> np.ndarray:
        """Raw decision scores of many texts, in batches (bounded memory)."""
        parts = [self.decision(texts[i : i + batch]) for i in range(0, len(texts), batch)]
        return np.vstack(parts) if parts else np.zeros((0, len(self.classes)))

    def evaluate(self, tickets: Tickets, scores: np.ndarray | None = None) -> dict[str, Any]:
        """Ranking and routing figures on ``tickets``: ``top1``, ``top3``, ``macro_f1``,
        ``n``, ``baseline_top1``, ``auto_share``, ``auto_precision``, ``auto_threshold``,
        ``triage_top3`` and ``per_category`` (n and recall of each true label)."""
        if scores is None:
            scores = self.score_texts(tickets.texts)
        p = self.proba_from_decision(scores)
        order = np.argsort(-p, axis=1)[:, :3]
        ranked = [[self.classes[j] for j in row] for row in order]
        out: dict[str, Any] = dict(ranked_scores(ranked, tickets.labels))
        out["baseline_top1"] = baseline_top1(self.majority, tickets.labels)
        top_p = p[np.arange(len(p)), order[:, 0]]
        auto = np.array(
            [self.auto_allowed(r[0], float(q)) for r, q in zip(ranked, top_p, strict=True)],
            dtype=bool,
        )
        out.update(auto_scores(ranked, tickets.labels, auto.tolist()))
        out["auto_threshold"] = round(self.threshold, 4)
        return out

    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / MODEL_FILE
        tmp = path.with_suffix(".tmp")
        payload = {
            "format": FORMAT,
            "config": asdict(self.config),
            "idf": self.idf,
            "model": self.model,
            "classes": self.classes,
            "majority": self.majority,
            "label_counts": self.label_counts,
            "temperature": self.temperature,
            "threshold": self.threshold,
            "meta": self.meta,
        }
        joblib.dump(payload, tmp, compress=3)
        tmp.replace(path)  # atomic: a reader never sees half a model
        return path

    @classmethod
    def load(cls, folder: str | Path) -> ComplaintClassifier:
        path = Path(folder) / MODEL_FILE
        if not path.is_file():
            raise FileNotFoundError(
                f"no complaint classifier at {path}; build it with `paknam complaints train CSV`"
            )
        payload = joblib.load(path)
        if payload.get("format") != FORMAT:
            raise ValueError(f"{path} has model format {payload.get('format')}; retrain it")
        config = payload["config"]
        config["char_ngrams"] = tuple(config["char_ngrams"])
        return cls(
            ClassifierConfig(**config),
            payload["idf"],
            payload["model"],
            payload["classes"],
            payload["majority"],
            payload["label_counts"],
            payload["temperature"],
            payload["threshold"],
            payload["meta"],
        )


WEIGH_ROWS = 16_384
"""Rows weighed at a time: the weighted matrix is written in place, block by block, so
that no full-size intermediate copy exists beside the counts and the result."""


def _weigh(
    idf: list[TfidfTransformer],
    counts: list[sparse.csr_matrix],
    rows: np.ndarray | None = None,
    dtype: type = np.float32,
) -> sparse.csr_matrix:
    """TF-IDF of each view, L2-normalised, views side by side with equal weight (unit rows);
    ``rows`` picks (and may repeat) rows. Training with ``solver="liblinear"`` asks for
    float64, which liblinear needs, so that no second copy is made; the default solver
    reads float32."""
    scale = 1.0 / np.sqrt(len(counts))
    if rows is not None:
        counts = [b[rows] for b in counts]
    n = counts[0].shape[0]
    nnz = sum(b.nnz for b in counts)
    index = np.int32 if nnz < 2**31 else np.int64
    data = np.empty(nnz, dtype=dtype)
    indices = np.empty(nnz, dtype=index)
    indptr = np.zeros(n + 1, dtype=index)
    at = 0
    for r in range(0, n, WEIGH_ROWS):
        part = slice(r, min(n, r + WEIGH_ROWS))
        block = sparse.hstack(
            [t.transform(b[part]) for t, b in zip(idf, counts, strict=True)], format="csr"
        )
        data[at : at + block.nnz] = block.data
        data[at : at + block.nnz] *= scale
        indices[at : at + block.nnz] = block.indices
        indptr[part.start + 1 : part.stop + 1] = block.indptr[1:] + at
        at += block.nnz
    width = sum(b.shape[1] for b in counts)
    return sparse.csr_matrix((data[:at], indices[:at], indptr), shape=(n, width))
