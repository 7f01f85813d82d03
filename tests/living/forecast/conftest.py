"""Fixtures shared by the forecast tests: the synthetic record of ``test_engine.py`` and an
engine trained on its first 120 days (module scope: each module fits its own)."""

from __future__ import annotations

import numpy as np
import pytest

from paknam.living.forecast.engine import TideEngine, train
from tests.living.forecast.test_engine import LATITUDE, TRAIN_UNTIL, synthetic_record


@pytest.fixture(scope="module")
def record() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return synthetic_record()


@pytest.fixture(scope="module")
def engine(record: tuple[np.ndarray, np.ndarray, np.ndarray]) -> TideEngine:
    times, levels, _ = record
    return train(times, levels, latitude=LATITUDE, train_until=TRAIN_UNTIL)
