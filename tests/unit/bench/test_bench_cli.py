"""``ally bench`` trains a missing or outdated model first, as ``ally up`` does."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from bot.bench import cli


def _args(tmp_path: Path) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    return parser.parse_args(["bench", "--no-doc", "--out", str(tmp_path / "bench.json")])


@pytest.mark.parametrize(("current", "trained"), [(False, True), (True, False)])
def test_the_model_is_trained_before_the_stacks_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, current: bool, trained: bool
) -> None:
    calls: list[str] = []
    monkeypatch.setenv("ALLY_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setattr("bot.training.is_current", lambda settings: current)
    monkeypatch.setattr("bot.training.train", lambda settings, **_: calls.append("train"))

    async def run_bench(settings: Any, options: Any, out: Any) -> dict[str, Any]:
        calls.append("bench")
        return {}

    monkeypatch.setattr("bot.bench.bench.run_bench", run_bench)
    args = _args(tmp_path)

    assert args.handler(args) == 0
    assert calls == (["train", "bench"] if trained else ["bench"])
