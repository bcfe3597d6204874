"""``ally bench``: Ally's stack and the moodbot baseline under the same closed-loop load."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import aiohttp

from bot.bench.ally import SUPPORTER, AllyStack, SocketConversation, SupporterFeed, crisis_opening
from bot.bench.load import Conversation, run_load
from bot.bench.machine import describe_machine
from bot.bench.moodbot import MoodbotServer, RestConversation, ensure_moodbot
from bot.bench.report import RunFigures, markdown, medians, ratios
from bot.bench.scaled import ScaledAllyStack
from bot.bench.scripts import generate_scripts
from bot.config import Settings
from bot.stack import rasa_executable

LOAD_GENERATOR = "load generator"


@dataclass(frozen=True)
class BenchOptions:
    """What to run."""

    users: int = 50
    turns_per_user: int | None = None
    repeat: int = 3
    baseline: bool = True
    out: Path = Path("results/bench.json")
    doc: Path | None = Path("docs/benchmarks.md")
    command: str = "ally bench"
    scale: int | None = None  # also the scale-out topology with this many Rasa replicas


def scale_label(replicas: int) -> str:
    """The report's name for the scale-out target."""
    return f"ally --scale {replicas}"


def _summaries(runs: list[RunFigures]) -> dict[str, Any]:
    return {
        "first_run": runs[0].to_json(),
        "warm_runs": [run.to_json() for run in runs[1:]],
        "first_run_medians": medians(runs[:1]),
        "warm_medians": medians(runs[1:]),
    }


def _used(before: dict[str, float | None], after: dict[str, float | None]) -> dict[str, Any]:
    """CPU seconds used between two snapshots, by process (None if it was not there twice)."""
    return {
        name: None
        if after[name] is None or before.get(name) is None
        else after[name] - before[name]  # type: ignore[operator]
        for name in after
    }


def _with_load_generator(services: dict[str, float | None]) -> dict[str, float | None]:
    """Add this process's own CPU seconds: the simulated people share the machine's cores."""
    times = os.times()
    return {**services, LOAD_GENERATOR: times.user + times.system}


async def _run_series(
    options: BenchOptions,
    open_conversation: Callable[[int], Any],
    after_run: Callable[[Any, dict[str, Any]], Any],
    say: Callable[[str], None],
    label: str,
    cpu: Callable[[], dict[str, float | None]],
) -> list[RunFigures]:
    runs = []
    for index in range(options.repeat + 1):
        scripts = generate_scripts(
            options.users, turns_per_person=options.turns_per_user, seed=index
        )
        before = _with_load_generator(cpu())
        result = await run_load(scripts, open_conversation)
        figures = await after_run(result, _used(before, _with_load_generator(cpu())))
        runs.append(figures)
        kind = "first run after start" if index == 0 else f"warm run {index}"
        p99 = f"{figures.latency.p99 * 1000:.0f} ms" if figures.latency else "-"
        say(
            f"  {label} {kind}: {figures.turns} turns, {figures.throughput:.1f}/s, "
            f"p99 {p99}, {figures.errors} errors"
        )
    return runs


async def bench_ally(
    settings: Settings,
    options: BenchOptions,
    say: Callable[[str], None],
    *,
    replicas: int | None = None,
) -> dict[str, Any]:
    """Start Ally's stack, run the load through socket.io with a supporter listening, stop it.

    With ``replicas``, the scale-out topology (PostgreSQL, Redis, that many Rasa replicas).
    """
    stack: AllyStack | ScaledAllyStack
    if replicas is None:
        stack, label = AllyStack(settings.project_dir, settings.model_dir), "Ally"
    else:
        stack = ScaledAllyStack(settings.project_dir, settings.model_dir, replicas)
        label = scale_label(replicas)
    say(f"starting {label}'s stack ({stack.var_dir}) ...")
    await asyncio.to_thread(stack.start)
    say(f"  ready in {stack.ready_seconds:.1f} s")
    feed = SupporterFeed(stack.url, SUPPORTER, stack.password)
    opening = crisis_opening(settings.locale)
    try:
        await feed.start()

        async def open_conversation(_: int) -> Conversation:
            return await SocketConversation(opening).open(stack.url)

        async def after_run(result: Any, cpu_used: dict[str, Any]) -> RunFigures:
            latencies, missing = await feed.escalation_latencies(result.risk_sent)
            return RunFigures.of(
                result,
                escalation_latencies=latencies,
                escalations_missing=len(missing),
                rss=stack.rss(),
                cpu_seconds=cpu_used,
            )

        runs = await _run_series(options, open_conversation, after_run, say, label, stack.cpu)
    finally:
        await feed.close()
        await asyncio.to_thread(stack.stop)
    stack.remove_var_dir()
    return {"ready_seconds": stack.ready_seconds, **_summaries(runs)}


async def bench_moodbot(
    settings: Settings, options: BenchOptions, say: Callable[[str], None]
) -> dict[str, Any]:
    """Create (once) and start the moodbot, run the same load on its REST channel, stop it."""
    rasa = rasa_executable(settings)
    cache = settings.var_dir / "bench" / "moodbot"
    log = settings.var_dir / "bench" / "moodbot.log"
    env = dict(os.environ)
    say("preparing the moodbot baseline (rasa init, cached in var/bench/moodbot) ...")
    project = await asyncio.to_thread(ensure_moodbot, rasa, cache, env, log)
    server = MoodbotServer(rasa, project, env, log)
    await asyncio.to_thread(server.start)
    say(f"  moodbot ready in {server.ready_seconds:.1f} s")
    limits = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=None)
    try:
        async with aiohttp.ClientSession(connector=limits, timeout=timeout) as http:

            async def open_conversation(_: int) -> Conversation:
                return RestConversation(http, server.url, uuid.uuid4().hex)

            async def after_run(result: Any, cpu_used: dict[str, Any]) -> RunFigures:
                return RunFigures.of(result, rss=server.rss(), cpu_seconds=cpu_used)

            runs = await _run_series(
                options, open_conversation, after_run, say, "moodbot", server.cpu
            )
    finally:
        await asyncio.to_thread(server.stop)
    return {"ready_seconds": server.ready_seconds, **_summaries(runs)}


async def run_bench(settings: Settings, options: BenchOptions, out: TextIO) -> dict[str, Any]:
    """Run the whole benchmark; write the JSON file and append the Markdown table."""

    def say(line: str) -> None:
        print(line, file=out, flush=True)

    report: dict[str, Any] = {
        "command": options.command,
        "started_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": describe_machine(),
        "settings": {
            "users": options.users,
            "turns_per_user": options.turns_per_user or "scripts",
            "repeat": options.repeat,
            "scale": options.scale,
        },
        "targets": {},
    }
    if options.baseline:
        report["targets"]["moodbot"] = await bench_moodbot(settings, options, say)
    report["targets"]["ally"] = await bench_ally(settings, options, say)
    if options.scale is not None:
        scaled = await bench_ally(settings, options, say, replicas=options.scale)
        report["targets"][scale_label(options.scale)] = scaled
    if options.baseline:
        moodbot = report["targets"]["moodbot"]["warm_medians"]
        report["ratios"] = ratios(report["targets"]["ally"]["warm_medians"], moodbot)
        if options.scale is not None:
            report["scale_ratios"] = ratios(scaled["warm_medians"], moodbot)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    if options.doc is not None:
        with options.doc.open("a", encoding="utf-8") as doc:
            doc.write("\n" + table)
    say("\n" + table)
    return report
