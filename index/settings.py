"""Typed settings, read once from the environment (and an optional `.env`) at the composition root."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = PROJECT_ROOT / "seeds" / "sources.toml"
PROMPTS_DIR = PROJECT_ROOT / "prompts"


def _default_home() -> Path:
    return Path(platformdirs.user_data_dir("newsbot", appauthor=False))


class Settings(BaseSettings):
    """Everything configurable about newsbot. Environment variables are named in each field's alias.

    Environment names are matched with case (otherwise the field `home` would read `$HOME`, and `top_k`
    `$TOP_K`); field names work as keyword arguments.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True, case_sensitive=True,
                                      env_ignore_empty=True)  # `VAR=` (as .env templates leave it) is unset

    home: Path = Field(default_factory=_default_home, validation_alias="NEWSBOT_HOME")
    sources_file: Path = Field(
        default=DEFAULT_SOURCES, validation_alias="NEWSBOT_SOURCES"
    )
    collection: str = Field(default="news", validation_alias="NEWSBOT_COLLECTION")

    chroma_host: str = Field(default="", validation_alias="NEWSBOT_CHROMA_HOST")
    chroma_port: int = Field(default=8000, validation_alias="NEWSBOT_CHROMA_PORT")
    chroma_token: SecretStr | None = Field(
        default=None, validation_alias="NEWSBOT_CHROMA_TOKEN"
    )

    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias="OPENAI_API_KEY"
    )
    openai_base_url: str = Field(default="", validation_alias="OPENAI_BASE_URL")
    llm_model: str = Field(default="gpt-4o-mini", validation_alias="NEWSBOT_LLM_MODEL")
    llm_timeout: float = Field(default=60.0, gt=0, validation_alias="NEWSBOT_LLM_TIMEOUT")  # all attempts of a call
    llm_max_retries: int = Field(
        default=3, validation_alias="NEWSBOT_LLM_MAX_RETRIES"
    )
    # after the LLM fails, answers are quotes for this long; then one question probes it again
    llm_probe_seconds: float = Field(default=30.0, ge=0, validation_alias="NEWSBOT_LLM_PROBE_SECONDS")
    llm_context_window: int = Field(
        default=8192, validation_alias="NEWSBOT_LLM_CONTEXT_WINDOW"
    )
    embed_model: str = Field(default="local", validation_alias="NEWSBOT_EMBED_MODEL")

    top_k: int = Field(default=6, ge=1, le=50, validation_alias="NEWSBOT_TOP_K")
    recency_prior: float = Field(default=0.5, ge=0.0, le=4.0, validation_alias="NEWSBOT_RECENCY_PRIOR")
    chunk_tokens: int = Field(
        default=200, ge=32, le=254, validation_alias="NEWSBOT_CHUNK_TOKENS"
    )
    chunk_overlap: int = Field(
        default=30, ge=0, le=128, validation_alias="NEWSBOT_CHUNK_OVERLAP"
    )
    fetch_timeout: float = Field(
        default=20.0, validation_alias="NEWSBOT_FETCH_TIMEOUT"
    )
    fetch_max_bytes: int = Field(
        default=10_000_000, validation_alias="NEWSBOT_FETCH_MAX_BYTES"
    )
    allow_private_urls: bool = Field(
        default=False, validation_alias="NEWSBOT_ALLOW_PRIVATE_URLS"
    )

    discord_token: SecretStr | None = Field(
        default=None, validation_alias="DISCORD_TOKEN"
    )
    guild_ids: str = Field(default="", validation_alias="NEWSBOT_GUILD_IDS")
    admin_role_ids: str = Field(
        default="", validation_alias="NEWSBOT_ADMIN_ROLE_IDS"
    )
    operator_ids: str = Field(default="", validation_alias="NEWSBOT_OPERATOR_IDS")  # may re-index shared sources
    allow_dms: bool = Field(default=False, validation_alias="NEWSBOT_ALLOW_DMS")
    sharded: bool = Field(default=False, validation_alias="NEWSBOT_SHARDED")  # discord.py's AutoShardedBot
    # shared state in PostgreSQL (postgresql://user:pass@host/db) for several processes; unset: sqlite files in
    # the home (index/store/database.py)
    database_url: SecretStr | None = Field(default=None, validation_alias="NEWSBOT_DATABASE_URL")
    # the gateway shards this process runs (NEWSBOT_SHARD_IDS=0,1 of NEWSBOT_SHARD_COUNT=4); unset: all of them
    shard_count: int | None = Field(default=None, gt=0, le=4096, validation_alias="NEWSBOT_SHARD_COUNT")
    shard_ids: str = Field(default="", validation_alias="NEWSBOT_SHARD_IDS")
    forget_after_days: float = Field(default=7.0, ge=0, validation_alias="NEWSBOT_FORGET_AFTER_DAYS")
    # admission control of the bot (bot/discord/limits.py); unset means the default of `Limits`
    rate_per_user: int | None = Field(default=None, gt=0, validation_alias="NEWSBOT_RATE_PER_USER")
    rate_window: float | None = Field(default=None, gt=0, validation_alias="NEWSBOT_RATE_WINDOW")
    max_concurrent: int | None = Field(default=None, gt=0, validation_alias="NEWSBOT_MAX_CONCURRENT")
    max_waiting: int | None = Field(default=None, ge=0, validation_alias="NEWSBOT_MAX_WAITING")
    # for an adapter that posts a feed's new articles (bot/discord/limits.py): at most this many per feed and
    # refresh, the rest counted in one line
    feed_posts_per_refresh: int | None = Field(default=None, gt=0, le=50,
                                               validation_alias="NEWSBOT_FEED_POSTS_PER_REFRESH")
    onnx_threads: int | None = Field(default=None, gt=0, validation_alias="NEWSBOT_ONNX_THREADS")
    # the second stage: "cross-encoder" (index/retrieval/cross_stage.py; the default since issue 22) or "none";
    # the same packaged model also judges story grouping's borderline pairs (index/news/stories.py), "none" too
    rerank: Literal["none", "cross-encoder"] = Field(default="cross-encoder", validation_alias="NEWSBOT_RERANK")
    # a local model that puts a question in another language into English for the search, offline or when the
    # LLM fails (index/llm/local_translator.py, the `translate` extra); "none" (the default) searches it as asked
    translator: Literal["none", "gemma-3-270m"] = Field(default="none", validation_alias="NEWSBOT_TRANSLATOR")

    @field_validator("discord_token", "openai_api_key", "chroma_token", "database_url")
    @classmethod
    def _one_line_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """A token pasted with a trailing newline works; one with a space or line break inside is refused
        here, in one line, rather than as a confusing error of the server it is sent to."""
        text = value.get_secret_value().strip() if value is not None else ""
        if any(ch.isspace() or not ch.isprintable() for ch in text):
            raise ValueError("contains a space, line break or control character; copy it again")
        return SecretStr(text) if text else None

    @field_validator("chunk_overlap")
    @classmethod
    def _overlap_below_size(cls, value: int, info) -> int:
        size = info.data.get("chunk_tokens", 200)
        if value >= size:
            raise ValueError(f"chunk_overlap ({value}) must be smaller than chunk_tokens ({size})")
        return value

    @property
    def llm_enabled(self) -> bool:
        """An LLM writes answers when an API key or an OpenAI-compatible base URL is configured."""
        key = self.openai_api_key.get_secret_value().strip() if self.openai_api_key else ""
        return bool(self.openai_base_url.strip() or key)

    @property
    def database(self) -> str | None:
        """The PostgreSQL URL of the shared state, None for the sqlite files of the home (the default)."""
        return self.database_url.get_secret_value() if self.database_url else None

    @property
    def chroma_dir(self) -> Path:
        """Where the embedded Chroma store lives."""
        return self.home / "chroma"

    @property
    def models_dir(self) -> Path:
        """Model files newsbot derives locally (e.g. the optimised ONNX graph); safe to delete."""
        return self.home / "models"
