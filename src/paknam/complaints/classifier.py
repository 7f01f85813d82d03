"""Thai complaint text → category (and so agency): a linear model on TF-IDF features.

Features: character 2–4-grams within word boundaries (robust to Thai's missing spaces and
to typos) and, optionally, pythainlp ``newmm`` word unigrams and bigrams. Model: a
linear SVM (``LinearSVC``), one-vs-rest. Multi-label aware: a ticket with labels
``{a,b}`` is a training example of ``a`` *and* of ``b`` (its TF-IDF row repeated), since a
prediction is right when it is among the ticket's labels. The settings kept
(:data:`DEFAULT_CONFIG`) were chosen on a validation month inside the training months;
see ``docs/complaints.md`` and ``benchmarks/complaints.py``.

Scores are SVM decision values (higher = more likely), *not* probabilities.
The model file is a joblib pickle: load only files you built (``paknam complaints train``).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from paknam.complaints.classifier_data import Tickets
from paknam.complaints.classifier_metrics import baseline_top1, majority_label, ranked_scores
from paknam.core.errors import InvalidInput

MODEL_FILE = "complaints_classifier.joblib"
FORMAT = 1
SMALL_CORPUS = 1000
"""Below this many tickets every n-gram is kept (``min_df`` = 1)."""


@dataclass(frozen=True)
class ClassifierConfig:
    """Choices of features and model (see the validation table in docs/complaints.md)."""

    char_ngrams: tuple[int, int] = (2, 4)
    words: bool = True
    model: str = "svc"  # "svc" (LinearSVC) | "lr" (logistic regression)
    c: float = 0.5
    multi_label: bool = True  # False: train on each ticket's first label only
    min_df: int = 2


DEFAULT_CONFIG = ClassifierConfig()


def thai_words(text: str) -> list[str]:
    """pythainlp newmm words and word bigrams of ``text`` (the word analyzer)."""
    from pythainlp.tokenize import word_tokenize

    tokens = word_tokenize(text.lower(), engine="newmm", keep_whitespace=False)
    words = [w for w in tokens if w.strip()]
    return list(words) + [f"{a} {b}" for a, b in itertools.pairwise(words)]


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class ComplaintClassifier:
    """A trained classifier. Build with :meth:`fit`; persist with :meth:`save`/:meth:`load`."""

    config: ClassifierConfig
    vectorizers: list[TfidfVectorizer]
    model: Any
    classes: list[str]
    majority: str
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fit(
        cls,
        tickets: Tickets,
        config: ClassifierConfig = DEFAULT_CONFIG,
        progress: Progress = _quiet,
    ) -> ComplaintClassifier:
        if len(tickets) < 2:
            raise InvalidInput("need at least 2 labelled tickets to train", field="csv")
        t0 = time.perf_counter()
        vectorizers = _vectorizers(config, len(tickets))
        blocks = []
        for v in vectorizers:
            progress(f"features: {v.analyzer if isinstance(v.analyzer, str) else 'words'} …")
            blocks.append(v.fit_transform(tickets.texts))
        x = sparse.hstack(blocks, format="csr", dtype=np.float32)
        if config.multi_label:
            rows = [i for i, ls in enumerate(tickets.labels) for _ in ls]
            y = [label for ls in tickets.labels for label in ls]
            x = x[rows]
        else:
            y = [ls[0] for ls in tickets.labels]
        if len(set(y)) < 2:
            raise InvalidInput("the tickets carry only one label; need at least two", field="csv")
        progress(f"fitting {config.model} on {x.shape[0]:,} rows × {x.shape[1]:,} features …")
        if config.model == "svc":
            model = LinearSVC(C=config.c)
        elif config.model == "lr":
            model = LogisticRegression(C=config.c, max_iter=300)
        else:
            raise InvalidInput(f"unknown model {config.model!r}: svc or lr", field="model")
        model.fit(x, y)
        if getattr(model, "coef_", None) is not None:
            model.coef_ = model.coef_.astype(np.float32)
        seconds = time.perf_counter() - t0
        progress(f"trained in {seconds:.0f} s")
        return cls(
            config,
            vectorizers,
            model,
            [str(c) for c in model.classes_],
            majority_label(tickets.labels),
            {
                "n_tickets": len(tickets),
                "train_seconds": round(seconds, 1),
                "trained_from": int(tickets.times.min()),
                "trained_until": int(tickets.times.max()) + 1,
            },
        )

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        blocks = [v.transform(list(texts)) for v in self.vectorizers]
        x = sparse.hstack(blocks, format="csr", dtype=np.float32)
        scores = self.model.decision_function(x)
        if scores.ndim == 1:  # two classes
            scores = np.column_stack([-scores, scores])
        return scores

    def rank(self, texts: Sequence[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """The ``k`` best labels of each text with their scores, best first."""
        if not texts:
            return []
        scores = self.decision(texts)
        order = np.argsort(-scores, axis=1)[:, :k]
        return [
            [(self.classes[j], float(scores[i, j])) for j in row] for i, row in enumerate(order)
        ]

    def evaluate(self, tickets: Tickets, batch: int = 20_000) -> dict[str, float | int]:
        """``{"top1", "top3", "macro_f1", "n", "baseline_top1"}`` on ``tickets``."""
        ranked: list[list[str]] = []
        for i in range(0, len(tickets), batch):
            ranked += [[c for c, _ in r] for r in self.rank(tickets.texts[i : i + batch], 3)]
        out = ranked_scores(ranked, tickets.labels)
        out["baseline_top1"] = baseline_top1(self.majority, tickets.labels)
        return out

    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / MODEL_FILE
        tmp = path.with_suffix(".tmp")
        payload = {
            "format": FORMAT,
            "config": asdict(self.config),
            "vectorizers": self.vectorizers,
            "model": self.model,
            "classes": self.classes,
            "majority": self.majority,
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
            payload["vectorizers"],
            payload["model"],
            payload["classes"],
            payload["majority"],
            payload["meta"],
        )


def _vectorizers(config: ClassifierConfig, n_tickets: int) -> list[TfidfVectorizer]:
    min_df = config.min_df if n_tickets >= SMALL_CORPUS else 1
    out = [
        TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=config.char_ngrams,
            sublinear_tf=True,
            min_df=min_df,
            lowercase=True,
            dtype=np.float32,
        )
    ]
    if config.words:
        out.append(
            TfidfVectorizer(analyzer=thai_words, sublinear_tf=True, min_df=min_df, dtype=np.float32)
        )
    return out
