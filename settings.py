"""Pantau's settings: one table (name, default, help), read from PANTAU_* environment variables.

The README's settings table is checked against this one by tests/test_docs.py.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent


class Settings(BaseSettings):
    # env_ignore_empty: `PANTAU_FACEBOOK_APP_SECRET=` in a .env is unset, never an empty HMAC key anyone can sign with
    model_config = SettingsConfigDict(env_prefix="PANTAU_", extra="ignore", env_ignore_empty=True)

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_DIR / 'data' / 'pantau.db'}",
        description="SQLAlchemy URL of the store: SQLite (embedded default) or "
        "postgresql+psycopg://... with PostGIS.",
    )
    boundaries: Path = Field(
        default=PROJECT_DIR.parent / "shared" / "data" / "jakarta_kelurahan.geojson",
        description="Kelurahan boundary file with Kemendagri codes (GeoJSON or any file GDAL reads).",
    )
    host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    port: int = Field(default=8050, description="Port the web server listens on.")
    worker_port: int = Field(default=8051, description="Port of `pantau worker`'s /healthz and /metrics.")
    secret_key: str | None = Field(
        default=None,
        description="Flask session secret. Unset: a random one per start (sessions end on restart).",
    )
    trusted_proxies: int = Field(
        default=0,
        ge=0,
        description="Reverse proxies in front of the web server whose X-Forwarded-For/-Proto/-Host are "
        "believed (the compose file's nginx: 1). 0: the peer's own address, the only safe value without one.",
    )
    secure_cookies: bool = Field(
        default=True,
        description="Send the sign-in cookie only over HTTPS (Secure); browsers also accept it on "
        "http://127.0.0.1 and localhost. Set false only for plain HTTP on another address.",
    )
    map_style: str = Field(
        default="white-bg",
        description="Map background: white-bg works offline; open-street-map or carto-positron "
        "need the internet.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL that carries Socket.IO events between processes; unset for one process.",
    )
    redis_channel: str = Field(
        default="pantau",
        description="Redis pub/sub channel of those events: processes on one channel share them; give "
        "each deployment (and each test run) its own.",
    )
    facebook_app_secret: str | None = Field(
        default=None,
        description="Facebook app secret that signs page webhooks (X-Hub-Signature-256); unset: the "
        "facebook channel refuses every delivery.",
    )
    facebook_verify_token: str | None = Field(
        default=None,
        description="Token Facebook echoes in its webhook verification handshake (GET hub.verify_token).",
    )
    classifier_threshold: float = Field(
        default=0.5,
        description="Classifier confidence below which a complaint goes to the operators' triage queue "
        "instead of a guessed category.",
    )
    sla_watch_seconds: float = Field(
        default=60, gt=0,
        description="Seconds between two rounds of the SLA watch, which announces passed deadlines as "
        "sla_breached.",
    )
    surge_watch_seconds: float = Field(
        default=60, gt=0,
        description="Seconds between two rounds of the surge watch, which announces a kelurahan's burst of "
        "one category (crm/surge.py) as surge_detected.",
    )
    public_reads: str = Field(
        default="300 per minute",
        description="Reads of the public APIs (complaints, Open311, tracking, ranking, exports) one address may "
        "make, as Flask-Limiter writes it; then 429 with Retry-After. Signed-in people and valid API keys are "
        "not counted.",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8050",
        description="The address citizens reach Pantau at, for the tracking links in notices "
        "(e.g. https://pantau.jakarta.go.id).",
    )
    notice_templates: Path | None = Field(
        default=None,
        description="A TOML file of the notices' texts (a copy of crm/data/notices.toml that officials "
        "edited); unset: that file.",
    )
    smtp_url: str | None = Field(
        default=None,
        description="SMTP server of email notices: smtp://host:587 (STARTTLS when offered) or smtps://host:465, "
        "with user:password@ to log in; unset: email notices are kept as not_configured.",
    )
    mail_from: str | None = Field(
        default=None,
        description="From address of email notices, e.g. Pantau <pengaduan@jakarta.go.id>; needed with "
        "PANTAU_SMTP_URL.",
    )
    sms_gateway_url: str | None = Field(
        default=None,
        description="The SMS Center gateway's send endpoint (README: SMS gateway send API); unset: SMS notices "
        "are kept as not_configured.",
    )
    sms_gateway_token: str | None = Field(
        default=None,
        description="Bearer token for the SMS gateway's send endpoint; needed with PANTAU_SMS_GATEWAY_URL.",
    )
    twitter_token: str | None = Field(
        default=None,
        description="User-context OAuth 2.0 bearer token of the Pemprov X account (tweet.write) that replies to "
        "tweets; unset: Twitter notices are kept as not_configured.",
    )
    twitter_api_url: str = Field(
        default="https://api.twitter.com",
        description="Base URL of the X API v2 (replies go to <it>/2/tweets).",
    )
    facebook_page_token: str | None = Field(
        default=None,
        description="Page access token (pages_messaging, pages_manage_engagement) that answers Facebook comments "
        "and Messenger messages; unset: Facebook notices are kept as not_configured.",
    )
    facebook_graph_url: str = Field(
        default="https://graph.facebook.com/v19.0",
        description="Base URL of the Graph API, with its version.",
    )
    lapor_api_url: str | None = Field(
        default=None,
        description="LAPOR!'s endpoint that takes follow-ups (README: What partners receive); unset: LAPOR! "
        "notices are kept as not_configured.",
    )
    lapor_token: str | None = Field(
        default=None,
        description="Bearer token for LAPOR!'s follow-up endpoint; needed with PANTAU_LAPOR_API_URL.",
    )
    qlue_callback_url: str | None = Field(
        default=None,
        description="Qlue's status callback (README: What partners receive); unset: Qlue notices are kept as "
        "not_configured.",
    )
    qlue_token: str | None = Field(
        default=None,
        description="Bearer token for Qlue's status callback; needed with PANTAU_QLUE_CALLBACK_URL.",
    )
    notice_rates: str | None = Field(
        default=None,
        description="Most notices per channel in any window, e.g. sms=10/second, twitter=100/15 minutes; a "
        "channel not named is not limited. Notices over it wait for the next batch.",
    )
    notice_seconds: float = Field(
        default=5, gt=0,
        description="Seconds between two rounds of the notice dispatcher, which sends due notices to reporters.",
    )
    notice_max_attempts: int = Field(
        default=8, ge=1,
        description="Attempts at one notice before it is given up as dead (an outbound dead letter); the "
        "waits between them double from 30 seconds, at most 6 hours.",
    )
    notice_lease_seconds: float = Field(
        default=300, gt=0,
        description="Seconds a dispatcher holds the notices it claimed; one killed mid-batch leaves them to be "
        "sent again (same idempotency key) after this. Longer than a batch can take.",
    )


def load_settings() -> Settings:
    return Settings()


def channel_secrets(settings: Settings) -> dict[str, str]:
    """What channel adapters may use to check deliveries (see ingest/channels/base.py Inbound)."""
    named = {"facebook_app_secret": settings.facebook_app_secret,
             "facebook_verify_token": settings.facebook_verify_token}
    return {name: value for name, value in named.items() if value}
