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
    database_read_url: str | None = Field(
        default=None,
        description="PostgreSQL read replica (hot standby of database_url) for anonymous "
        "public reads; writes, officers' and read-after-write requests stay on the primary, "
        "and reads fall back to it while the replica is unreachable (docs/deploy.md)",
    )
    database_read_max_lag_s: float = Field(
        default=30.0,
        description="Replay lag [s] of the read replica beyond which reads go to the primary",
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
    tides_report_dir: str | None = Field(
        default=None,
        description="Where `paknam tides backtest --report DIR` writes its reports (one "
        "report, or one subfolder per report): the officer desk links the newest",
    )
    opendata_complaint_text: bool = Field(
        default=False,
        description="Publish the text of complaints in the open data (contacts masked); "
        "off by default, since citizens write names into it",
    )
    opendata_publisher_th: str = "จังหวัดสมุทรปราการ"
    opendata_publisher_en: str = "Samut Prakan Province"
    opendata_contact_email: str = Field(
        default="opendata@samutprakan.example",
        description="Contact point of the open-data catalogue (an office's address, never "
        "a person's)",
    )
    line_api_base: str = "https://api.line.me"
    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    line_data_api_base: str = Field(
        default="https://api-data.line.me",
        description="LINE's host for content: photos citizens send, rich menu images",
    )
    sms_gateway_url: str | None = None
    sms_api_key: str | None = None
    sms_sender: str = "SamutPrakan"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = "alerts@samutprakan.example"
    # ---- delivery workers (paknam.core.notify.worker; docs/deploy.md, scale-out) --------
    notify_lease_s: int = Field(
        default=60,
        ge=1,
        description="How long a claimed batch is its worker's [s]; a batch of a worker that "
        "died is taken over by another worker when its lease ends. Keep it well above the "
        "channels' timeouts (LINE 10 s, SMTP 15 s)",
    )
    line_multicast_rate: float = Field(
        default=200.0,
        gt=0,
        description="Multicast requests per second all workers of a store together send to "
        "LINE (LINE allows 200/s per channel; shared through the store, so give every worker "
        "the same value)",
    )
    # ---- limits of the public surface (paknam.api.limits; docs/security.md) ------------
    max_body_bytes: int = Field(
        default=1024 * 1024,
        description="Request body cap of routes without their own (JSON, forms); 413 beyond",
    )
    max_json_depth: int = Field(
        default=32, description="Deepest nesting of a JSON body read by hand; 422 beyond"
    )
    rate_limits_enabled: bool = True
    rate_limit_storage: str = Field(
        default="memory://",
        description="Where rate-limit counters live: memory:// (one process) or "
        "redis://host:6379 (shared by all workers; needs the redis package)",
    )
    rate_limit_exempt_ips: list[str] = Field(
        default_factory=list,
        description="Client addresses or networks never rate limited (a trusted relay)",
    )
    rate_limit_complaints: str = Field(
        default="10/hour;30/day", description="New complaints (web form) per client IP"
    )
    rate_limit_open311: str = Field(
        default="60/hour;300/day", description="Open311 service requests per client IP"
    )
    rate_limit_support: str = Field(default="30/hour", description='"+1"s per client IP')
    rate_limit_support_per_complaint: str = Field(
        default="3/day", description='"+1"s of one complaint per client IP'
    )
    rate_limit_citizen: str = Field(
        default="30/hour", description="Reopen and rating with a citizen token, per IP"
    )
    rate_limit_subscriptions: str = Field(
        default="10/hour;30/day", description="Subscribing and withdrawing, per client IP"
    )
    rate_limit_reports: str = Field(
        default="10/hour;30/day", description="Citizens' pollution reports per client IP"
    )
    rate_limit_classify: str = Field(
        default="60/minute", description="Anonymous complaint classification per client IP"
    )
    rate_limit_opendata: str = Field(
        default="600/minute", description="CKAN Action API calls made with POST per client IP"
    )
    rate_limit_sensorthings: str = Field(
        default="600/minute", description="SensorThings Observations created per client IP"
    )
    login_free_failures_user: int = Field(
        default=5, description="Failed logins of one username before the backoff starts"
    )
    login_free_failures_ip: int = Field(
        default=20, description="Failed logins from one client IP before the backoff starts"
    )
    login_backoff_base_s: int = Field(default=1, description="First wait after the free ones")
    login_backoff_max_s: int = Field(default=900, description="Longest wait between tries")
    login_failure_window_s: int = Field(
        default=86_400, description="Failed logins are forgotten this long after the first"
    )
    password_hash_concurrency: int = Field(
        default=2, description="Password hashes at once (argon2: 64 MiB of memory each)"
    )
    # ---- Traffy Fondue bridge (paknam.complaints.traffy; docs/citizens-traffy.md) -------
    traffy_api_base: str = Field(
        default="https://publicapi.traffy.in.th/exchange-api",
        description="Traffy Fondue Exchange API base URL",
    )
    traffy_user: str | None = Field(default=None, description="Exchange API user (get-auth)")
    traffy_pass: str | None = Field(default=None, description="Exchange API password")
    traffy_org_id: str | None = Field(
        default=None, description="Traffy org id(s) whose tickets are imported (comma list)"
    )
    traffy_webhook_secret: str | None = Field(
        default=None,
        description="Shared secret of the webhook URL registered with Traffy (?key=...); "
        "the webhook answers 404 while unset",
    )
    traffy_quota_reserve: int = Field(
        default=20,
        description="Credits the polled sync leaves for pushing status changes back",
    )
    traffy_sync_every_s: int = Field(default=900, description="Polled sync period [s]")
    traffy_push_every_s: int = Field(default=30, description="Outbox delivery period [s]")
    traffy_timeout_s: float = Field(default=20.0, description="HTTP timeout of one call [s]")
    traffy_type_map: dict[str, str] = Field(
        default_factory=dict,
        description="Extra Traffy type name -> service code (JSON); unknown types go to triage",
    )
    rate_limit_traffy: str = Field(
        default="120/minute", description="Traffy Fondue webhook calls per client IP"
    )
    # ---- verified subscriptions (paknam.core.notify.verify; docs/citizens-subscribe.md) ---
    subscription_sms_countries: list[str] = Field(
        default_factory=lambda: ["66"],
        description="Country calling codes (no +) whose mobile numbers may subscribe by "
        'SMS; default Thailand only. JSON list, e.g. ["66", "856"]',
    )
    subscription_code_ttl_s: int = Field(
        default=900, ge=60, le=86_400, description="A one-time code or e-mail link expires"
    )
    subscription_code_attempts: int = Field(
        default=5, ge=1, le=20, description="Wrong codes before a pending request is dead"
    )
    rate_limit_subscription_address: str = Field(
        default="3/hour;10/day",
        description="Codes or confirmation e-mails sent to one address (whoever asks)",
    )
    rate_limit_subscription_codes: str = Field(
        default="600/hour;3000/day",
        description="Codes and confirmation e-mails sent by the whole server (an SMS budget)",
    )
    rate_limit_subscription_verify: str = Field(
        default="30/hour", description="Attempts to verify a code or link, per client IP"
    )

    # ---- partitions and retention of observations (docs/deploy.md#retention) -------------
    retention_raw_days: int | None = Field(
        default=None,
        ge=1,
        description="Days raw observations are kept (older ones are removed by paknam db "
        "retention once their hours are rolled up; the hourly roll-up is kept for ever); "
        "unset: raw data is kept for ever",
    )
    retention_raw_days_by: dict[str, int | None] = Field(
        default_factory=dict,
        description='Per quantity, station or source (JSON): {"quantity:pm25": 90, '
        '"station:18t": 30, "source:PCD air4thai": 365, "quantity:water_level": null}; '
        "null keeps for ever; station beats source beats quantity beats the default",
    )
    retention_batch_rows: int = Field(
        default=5000, ge=100, le=100_000, description="Rows deleted per transaction"
    )
    retention_every_s: int = Field(
        default=86_400, ge=0, description="Period of the db.retention job (when a policy is set)"
    )
    partitions_ahead_months: int = Field(
        default=3, ge=0, le=24, description="PostgreSQL: monthly partitions created ahead"
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for messages and logs)."""
    return make_url(url).render_as_string(hide_password=True)
