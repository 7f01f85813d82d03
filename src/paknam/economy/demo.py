"""Demo data of the Smart Economy: the sample catalogue and the real MOTS monthly figures."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from paknam.core.store import Store
from paknam.core.tabular import parse_csv
from paknam.economy import service
from paknam.economy.models import PlaceCreate

PLACES_FILE = "places_sample.json"
MOTS_FILE = "mots_samut_prakan_monthly_2019-01_2023-02.csv"
MOTS_SOURCE = (
    "Ministry of Tourism and Sports provincial statistics via Kaggle "
    "thaweewatboy/thailand-domestic-tourism-statistics"
)


def _data(name: str) -> bytes:
    return (resources.files("paknam") / "data" / "economy" / name).read_bytes()


def sample_places() -> list[PlaceCreate]:
    """The hand-made sample catalogue (every entry marked sample)."""
    doc = json.loads(_data(PLACES_FILE))
    return [PlaceCreate(**p) for p in doc["places"]]


def load_demo_economy(store: Store) -> dict[str, Any]:
    """Load the sample catalogue and the province's real monthly figures. Idempotent."""
    changed = service.upsert_places(store, sample_places())
    report = service.import_visits(
        store, parse_csv(_data(MOTS_FILE)), scope="province", source=MOTS_SOURCE
    )
    return {"places_changed": changed, "visits": report.as_dict()}
