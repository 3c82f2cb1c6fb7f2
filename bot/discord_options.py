"""Settings of the Discord adapter beyond index/settings.py, read from the environment (and `.env`)."""
from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DiscordOptions(BaseSettings):
    """NEWSBOT_OPERATOR_IDS, NEWSBOT_ALLOW_DMS, NEWSBOT_SHARDED, NEWSBOT_FORGET_AFTER_DAYS."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True, case_sensitive=True,
                                      env_ignore_empty=True)

    operator_ids: str = Field(default="", validation_alias="NEWSBOT_OPERATOR_IDS")
    allow_dms: bool = Field(default=False, validation_alias="NEWSBOT_ALLOW_DMS")
    sharded: bool = Field(default=False, validation_alias="NEWSBOT_SHARDED")
    forget_after_days: float = Field(default=7.0, ge=0, validation_alias="NEWSBOT_FORGET_AFTER_DAYS")
