from __future__ import annotations

from pathlib import Path

import pytest

from progleton.exceptions import SettingsError
from progleton.settings import REGISTRY, Settings, load_settings


def test_defaults_file_env_and_flags_in_order(tmp_path: Path) -> None:
    config = tmp_path / "progleton.toml"
    config.write_text("[progleton]\nport = 9001\nconcurrency = 7\nper_host_concurrency = 3\n")
    settings = load_settings(
        config_file=config,
        environ={"PROGLETON_CONCURRENCY": "11", "PROGLETON_PER_HOST_CONCURRENCY": "4"},
        overrides={"per_host_concurrency": 5, "host": None},
    )
    assert settings.port == 9001 and settings.origin["port"].startswith("file")
    assert settings.concurrency == 11 and settings.origin["concurrency"] == "env PROGLETON_CONCURRENCY"
    assert settings.per_host_concurrency == 5 and settings.origin["per_host_concurrency"] == "flag"
    assert settings.host == "127.0.0.1" and settings.origin["host"] == "default"


def test_bad_values_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="concurrency"):
        load_settings(environ={"PROGLETON_CONCURRENCY": "many"})
    with pytest.raises(SettingsError, match="true or false"):
        load_settings(environ={"PROGLETON_ALLOW_PRIVATE_ADDRESSES": "perhaps"})
    bad = tmp_path / "bad.toml"
    bad.write_text("nope = 1\n")
    with pytest.raises(SettingsError, match="unknown setting"):
        load_settings(config_file=bad, environ={})


def test_every_setting_has_help_and_a_default_of_its_type() -> None:
    for setting in REGISTRY:
        assert setting.help and isinstance(setting.default, setting.type), setting.name


def test_private_addresses_are_refused_by_default() -> None:
    assert load_settings(environ={}).allow_private_addresses is False


def test_a_printed_or_logged_settings_shows_no_secret() -> None:
    settings = Settings().replace(db="postgresql://u:S3cret@h/x", secret_key="k3y-value", admin_password="pa55word")
    for text in (repr(settings), str(settings)):
        assert "S3cret" not in text and "k3y-value" not in text and "pa55word" not in text
        assert "postgresql://u:********@h/x" in text and "'secret_key': '********'" in text
    assert settings.db == "postgresql://u:S3cret@h/x"  # the value itself is untouched
