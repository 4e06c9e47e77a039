"""Configuration: environment (and an optional .env) → one validated Settings object."""
from config.settings import ConfigError, Settings, load_settings

__all__ = ["ConfigError", "Settings", "load_settings"]
