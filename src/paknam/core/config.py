"""Settings, read once from ``PAKNAM_*`` environment variables.

Every tunable of the platform lives here so that a deployment is configured in one
place. Secrets (database passwords inside the URL, MQTT passwords) are never logged:
use :func:`redact_url` when printing a URL.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

DEFAULT_SQLITE_FILE = "paknam.sqlite3"


class Settings(BaseSettings):
    """Platform settings. Each field maps to ``PAKNAM_<FIELD>`` (case-insensitive)."""

    model_config = SettingsConfigDict(env_prefix="PAKNAM_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_FILE}",
        description="SQLAlchemy URL of the store: sqlite:///file or postgresql://...",
    )
    mqtt_host: str = "127.0.0.1"
    mqtt_port: int = 1883
    mqtt_username: str | None = None
    mqtt_password: str | None = None
    mqtt_topic_prefix: str = "paknam"
    max_batch_items: int = 10_000
    max_future_seconds: int = 600
    max_raw_points: int = 200_000
    session_hours: int = 12


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for messages and logs)."""
    return make_url(url).render_as_string(hide_password=True)
