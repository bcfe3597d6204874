"""`ally` commands: one-line errors for bad configuration, account creation without prompts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR


def ally(
    tmp_path: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    full_env = dict(
        os.environ,
        ALLY_ENV="test",
        ALLY_VAR_DIR=str(tmp_path / "var"),
        ALLY_DATABASE_URL=f"sqlite:///{tmp_path / 'ally.db'}",
        ALLY_MODEL_DIR=str(tmp_path / "models"),
    )
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=PROJECT_DIR,
        env=full_env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], setting: str) -> None:
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {setting}: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_database_scheme(tmp_path: Path) -> None:
    result = ally(tmp_path, "up", "--no-train", ALLY_DATABASE_URL="mysql://x/y")
    assert_one_line_error(result, "ALLY_DATABASE_URL")


def test_port_already_in_use(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        result = ally(tmp_path, "up", "--no-train", ALLY_RASA_PORT=port)
    assert_one_line_error(result, "ALLY_RASA_PORT")
    assert "already in use" in result.stderr


def test_missing_model(tmp_path: Path) -> None:
    result = ally(
        tmp_path,
        "up",
        "--no-train",
        ALLY_WEB_PORT="18999",
        ALLY_RASA_PORT="18998",
        ALLY_ACTIONS_PORT="18997",
    )
    assert_one_line_error(result, "ALLY_MODEL_DIR")


def test_production_with_placeholder_secret(tmp_path: Path) -> None:
    assert_one_line_error(ally(tmp_path, "up", ALLY_ENV="production"), "ALLY_RASA_TOKEN")


def test_supporter_add_without_prompt(tmp_path: Path) -> None:
    result = ally(
        tmp_path,
        "supporter",
        "add",
        "--username",
        "sam",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert result.returncode == 0, result.stderr
    assert "created admin account 'sam'" in result.stdout
    again = ally(
        tmp_path,
        "supporter",
        "add",
        "--username",
        "sam",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert again.returncode == 2 and "already exists" in again.stderr


@pytest.mark.parametrize("password", ["short", ""])
def test_supporter_add_refuses_short_password(tmp_path: Path, password: str) -> None:
    result = ally(
        tmp_path, "supporter", "add", "--username", "sam", "--password-stdin", stdin=password + "\n"
    )
    assert result.returncode == 2 and "at least 12" in result.stderr
