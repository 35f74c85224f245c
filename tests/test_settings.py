from __future__ import annotations

import logging
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
    with pytest.raises(SettingsError, match="PROGLETON_CONCURRENCY"):
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


def test_a_bad_value_names_where_it_was_given(tmp_path: Path) -> None:
    """PROGLETON_PORT=abc said "port: expected int, got 'abc'", naming no variable."""
    with pytest.raises(SettingsError) as env:
        load_settings(environ={"PROGLETON_PORT": "abc"})
    assert str(env.value) == "environment variable PROGLETON_PORT: expected a whole number, got 'abc'"
    config = tmp_path / "p.toml"
    config.write_text("[progleton]\nport = 80.5\n")
    with pytest.raises(SettingsError) as file:
        load_settings(config_file=config, environ={})
    assert str(file.value) == f"{config}: port: expected a whole number, got 80.5"
    config.write_text("fetch_articles = 1\nconcurrency = true\n")
    with pytest.raises(SettingsError, match=f"{config}: concurrency: expected a whole number, got True"):
        load_settings(config_file=config, environ={})


def test_every_error_of_a_bad_file_is_said_at_once(tmp_path: Path) -> None:
    """Unknown keys of a file the user wrote are errors, each with the setting it may mean;
    only the first error of a file was said."""
    config = tmp_path / "p.toml"
    config.write_text('prot = 9000\nconcurrency = "many"\nuser_agnet = "x"\nwhatever = 1\n')
    with pytest.raises(SettingsError) as bad:
        load_settings(config_file=config, environ={"PROGLETON_PORT": "abc"})
    assert str(bad.value).splitlines() == [
        "5 bad settings:",
        f"  {config}: unknown setting 'prot' (did you mean port?)",
        f"  {config}: concurrency: expected a whole number, got 'many'",
        f"  {config}: unknown setting 'user_agnet' (did you mean user_agent?)",
        f"  {config}: unknown setting 'whatever'",
        "  environment variable PROGLETON_PORT: expected a whole number, got 'abc'",
    ]


def test_an_unknown_variable_is_warned_of_with_what_it_may_mean(caplog: pytest.LogCaptureFixture) -> None:
    """PROGLETON_PROT=1 was silently ignored; the variables read outside the registry are known."""
    environ = {"PROGLETON_PROTT": "1", "PROGLETON_DB": "sqlite:///x.db", "PROGLETON_CONFIG": "",
               "PROGLETON_TEST_PG": "postgresql://x", "PROGLETON_ZZQQ_NOTHING": "1"}
    with caplog.at_level(logging.WARNING, logger="progleton.settings"):
        assert load_settings(environ=environ).db == "sqlite:///x.db"
        load_settings(environ=environ)  # said once
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        "the environment variable PROGLETON_PROTT is no Progleton setting and is ignored (did you mean "
        "PROGLETON_PORT?); `progleton config` lists the settings",
        "the environment variable PROGLETON_ZZQQ_NOTHING is no Progleton setting and is ignored; "
        "`progleton config` lists the settings",
    ]



def test_the_cli_says_a_misspelt_variable_and_names_a_bad_one(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("PROGLETON_")}
    env |= {"PROGLETON_DB": f"sqlite:///{tmp_path / 'p.db'}", "PROGLETON_PROT": "9100"}
    command = [sys.executable, "-m", "progleton", "config", "--json"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stderr.count("PROGLETON_PROT is no Progleton setting") == 1, done.stderr
    assert "did you mean PROGLETON_PORT?" in done.stderr
    env |= {"PROGLETON_PORT": "abc"}
    bad = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 1
    assert "Error: environment variable PROGLETON_PORT: expected a whole number, got 'abc'" in bad.stderr
