"""The trained classifier at run time: suggestions of service (and agency) for a text.

The model is read from ``get_settings().model_dir`` (``PAKNAM_MODEL_DIR``) on first use and
re-read when the file changes. Without a model, :func:`suggest_for_text` returns ``None``
and complaints are still accepted (the citizen's chosen service decides the routing).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paknam.complaints.catalogue import service_for_label
from paknam.core.config import get_settings

if TYPE_CHECKING:  # scikit-learn is imported on first use, not by every process that
    # imports the complaints routes (the CLI, the workers, the API start 1 s sooner)
    from paknam.complaints.classifier import ComplaintClassifier

log = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[str, tuple[float, ComplaintClassifier]] = {}


def model_path() -> Path:
    from paknam.complaints.classifier import MODEL_FILE

    return Path(get_settings().model_dir) / MODEL_FILE


def current_model() -> ComplaintClassifier | None:
    """The trained model, or ``None`` when none has been built."""
    path = model_path()
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    key = str(path)
    with _lock:
        hit = _cache.get(key)
        if hit is None or hit[0] != mtime:
            from paknam.complaints.classifier import ComplaintClassifier

            _cache.clear()
            _cache[key] = (mtime, ComplaintClassifier.load(path.parent))
        return _cache[key][1]


def suggestions(model: ComplaintClassifier, text: str, k: int = 3) -> list[dict[str, Any]]:
    """Top-``k`` services for ``text``: code, Thai/English names, probability (``score``)."""
    return advice(model, text, k)["suggestions"]


def advice(model: ComplaintClassifier, text: str, k: int = 3) -> dict[str, Any]:
    """``{"suggestions": top-k, "auto": bool}``: ``auto`` when the best guess may be routed
    without an officer (probability at or above the model's threshold, a label seen often
    enough in training, and a service of the catalogue)."""
    ranked = model.rank([text], k)[0]
    out = []
    for label, p in ranked:
        service = service_for_label(label)
        out.append(
            {
                "label": label,
                "service_code": service.code if service else None,
                "name_th": service.name_th if service else label,
                "name_en": service.name_en if service else label,
                "role": service.role if service else None,
                "score": round(p, 4),
            }
        )
    best, p = ranked[0]
    auto = model.auto_allowed(best, p) and service_for_label(best) is not None
    return {"suggestions": out, "auto": auto}


def advise_text(text: str, k: int = 3) -> dict[str, Any] | None:
    """:func:`advice` for a complaint text, or ``None`` without a model (never raises)."""
    try:
        model = current_model()
        return advice(model, text, k) if model is not None else None
    except Exception:  # a broken model file must not block complaints
        log.exception("complaint classifier failed; complaint accepted without suggestion")
        return None


def suggest_for_text(text: str, k: int = 3) -> list[dict[str, Any]] | None:
    """Suggestions for a complaint text, or ``None`` without a model (never raises)."""
    found = advise_text(text, k)
    return found["suggestions"] if found is not None else None
