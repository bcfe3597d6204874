"""Starts the real stack (`ally up`) once per test session on free loopback ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.training import latest_model

PROJECT_DIR = Path(__file__).resolve().parents[2]
STARTUP_DEADLINE = 420.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    env: dict[str, str]
    web_url: str
    rasa_url: str
    var_dir: Path
    output: Path
    process: subprocess.Popen[bytes]

    @property
    def database_url(self) -> str:
        return self.env["ALLY_DATABASE_URL"]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if latest_model(PROJECT_DIR / "models") is None:
        pytest.fail("no trained model in models/: run `make train` (make test does) first")
    var_dir = tmp_path_factory.mktemp("stack")
    web, rasa, actions = free_port(), free_port(), free_port()
    env = dict(
        os.environ,
        ALLY_ENV="test",
        ALLY_VAR_DIR=str(var_dir),
        ALLY_DATABASE_URL=f"sqlite:///{var_dir / 'ally.db'}",
        ALLY_WEB_PORT=str(web),
        ALLY_RASA_PORT=str(rasa),
        ALLY_ACTIONS_PORT=str(actions),
        ALLY_MODEL_DIR=str(PROJECT_DIR / "models"),
    )
    output = var_dir / "ally-up.out"
    with output.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "up", "--no-train"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = Stack(
        env, f"http://127.0.0.1:{web}", f"http://127.0.0.1:{rasa}", var_dir, output, process
    )
    try:
        _wait_ready(running)
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_ready(stack: Stack) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            pytest.fail(f"ally up exited early:\n{stack.output.read_text()}")
        if "Ally is running" in stack.output.read_text():
            with urllib.request.urlopen(f"{stack.web_url}/healthz", timeout=5) as resp:
                assert resp.status == 200
            return
        time.sleep(0.5)
    pytest.fail(f"the stack was not ready in {STARTUP_DEADLINE:.0f} s:\n{stack.output.read_text()}")
