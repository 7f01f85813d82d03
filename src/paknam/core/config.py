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
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"


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
    model_dir: str = Field(
        default="paknam-models",
        description="Folder for trained models (e.g. the complaint text classifier)",
    )
    public_base_url: str = Field(
        default=DEFAULT_PUBLIC_BASE_URL,
        description="The address citizens reach the platform at: every link in the Atom "
        "feed, CAP documents, alert messages and photo URLs starts with it (never with the "
        "request's Host header). Set it in production.",
    )
    secret_key_file: str | None = Field(
        default=None,
        description="Key for personal data encrypted at rest; created (mode 0600) if absent. "
        "Default: $XDG_CONFIG_HOME/paknam/secret.key (~/.config/paknam/secret.key), or "
        "paknam-secret.key in the working directory when that older key exists",
    )
    secret_key: str | None = Field(
        default=None, description="The key itself (Fernet, base64); overrides secret_key_file"
    )
    line_api_base: str = "https://api.line.me"
    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    sms_gateway_url: str | None = None
    sms_api_key: str | None = None
    sms_sender: str = "SamutPrakan"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = "alerts@samutprakan.example"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for messages and logs)."""
    return make_url(url).render_as_string(hide_password=True)
