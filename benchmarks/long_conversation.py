"""One conversation driven to 500 turns: does a turn get slower as the conversation grows?

Starts Ally's stack the way ``ally bench`` does (``ally up --no-train`` on free ports, throwaway
SQLite databases), then plays the bench's check-in scripts (bot/bench/data/scripts.yml, without
the risk messages) one after another in ONE conversation, straight to Rasa's REST channel, one
turn at a time. Prints, around turns 10, 100, 250 and 500:

- the per-turn latency (median and max of the 10 turns up to that point);
- the session's events, and the size of one custom action request with all of them (what
  stock Rasa posts to the action server for each custom action: the tracker state with every
  event of the session, and the domain), from Rasa's HTTP API (the same ``current_state``);
- the size of the request Ally's Rasa really sends (bot/nlu/rasa_server.py: the events of the
  last ``ACTION_EVENT_TURNS`` user messages, the rest of the state unchanged), and the CPU time
  to JSON-encode it once (what Rasa pays per custom action, before the action server decodes
  it again).

Then, for the first pass through the scripts, which custom actions each turn ran (from the
action server's ``/metrics``), and the custom action calls per turn over the whole run.

Usage: ``.venv/web/bin/python benchmarks/long_conversation.py [--turns 500]``. Prints figures,
asserts nothing. Measured results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from bot.bench.ally import AllyStack  # noqa: E402
from bot.bench.scripts import load_library  # noqa: E402

CHECKPOINTS = (10, 100, 250, 500)
ACTION_EVENT_TURNS = 10  # as bot.nlu.rasa_server.ACTION_EVENT_TURNS (that module needs Rasa)
WINDOW = 10
TOKEN = "long-conversation-bench-token"  # a throwaway stack's own


def conversation_texts(turns: int) -> list[str]:
    """The bench's scripts, in name order, repeated until ``turns`` texts."""
    cycle = set_cycle()
    return [cycle[i % len(cycle)] for i in range(turns)]


def recent(events: list[dict[str, Any]], turns: int) -> list[dict[str, Any]]:
    """The events from the ``turns``-th last user message on."""
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    return events[users[-turns] :] if len(users) >= turns else events


async def action_request(
    session: aiohttp.ClientSession, rasa_url: str, sender: str, domain: dict[str, Any]
) -> tuple[int, int, int, float]:
    """Return (events, whole-session bytes, sent bytes, seconds to encode) of a call now."""
    async with session.get(
        f"{rasa_url}/conversations/{sender}/tracker",
        params={"include_events": "AFTER_RESTART", "token": TOKEN},
    ) as resp:
        resp.raise_for_status()
        tracker = await resp.json()
    events = tracker.get("events") or []
    request = {"next_action": "action_x", "sender_id": sender, "tracker": tracker}
    request["domain"] = domain
    whole = len(json.dumps(request).encode())
    request["tracker"] = {**tracker, "events": recent(events, ACTION_EVENT_TURNS)}
    started = time.process_time()
    for _ in range(5):
        body = json.dumps(request)
    encode_seconds = (time.process_time() - started) / 5
    return len(events), whole, len(body.encode()), encode_seconds


RUNS_LINE = re.compile(r'^ally_action_runs_total\{action="([^"]+)",outcome="[^"]+"\} (\S+)$')


async def action_runs(session: aiohttp.ClientSession, actions_url: str) -> Counter[str]:
    """Return the custom action calls so far, by action, from the action server's metrics."""
    async with session.get(f"{actions_url}/metrics") as resp:
        resp.raise_for_status()
        text = await resp.text()
    runs: Counter[str] = Counter()
    for line in text.splitlines():
        match = RUNS_LINE.match(line)
        if match:
            runs[match[1]] += int(float(match[2]))
    return runs


async def drive(rasa_url: str, actions_url: str, turns: int) -> list[dict[str, Any]]:
    """Play ``turns`` messages in one conversation; return one row per checkpoint."""
    sender = f"long-{int(time.time())}"
    latencies: list[float] = []
    rows = []
    first_pass = len(set_cycle())
    steps: list[tuple[str, Counter[str]]] = []
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.get(
            f"{rasa_url}/domain", params={"token": TOKEN}, headers={"Accept": "application/json"}
        ) as resp:
            resp.raise_for_status()
            domain = await resp.json(content_type=None)
        before = await action_runs(session, actions_url)
        start_runs = before
        for number, text in enumerate(conversation_texts(turns), start=1):
            started = time.monotonic()
            async with session.post(
                f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
            ) as resp:
                resp.raise_for_status()
                await resp.read()
            latencies.append(time.monotonic() - started)
            if number <= first_pass:
                after = await action_runs(session, actions_url)
                steps.append((text, after - before))
                before = after
            if number in CHECKPOINTS or number == turns:
                window = latencies[-WINDOW:]
                events, whole, size, encode = await action_request(
                    session, rasa_url, sender, domain
                )
                rows.append(
                    {
                        "turn": number,
                        "median_ms": statistics.median(window) * 1000,
                        "max_ms": max(window) * 1000,
                        "events": events,
                        "session_kb": whole / 1024,
                        "request_kb": size / 1024,
                        "encode_ms": encode * 1000,
                    }
                )
                print_row(rows[-1])
        total = await action_runs(session, actions_url) - start_runs
    print_steps(steps)
    calls = sum(total.values())
    print(f"\nCustom action calls: {calls} in {turns} turns ({calls / turns:.2f} per turn)")
    for action, count in total.most_common():
        print(f"- {action}: {count / turns:.2f} per turn")
    return rows


def set_cycle() -> list[str]:
    """One pass through every script."""
    scripts = load_library()["scripts"]
    return [text for name in sorted(scripts) for text in scripts[name]]


def print_steps(steps: list[tuple[str, Counter[str]]]) -> None:
    """Print which custom actions each turn of the first pass ran."""
    print("\n| Turn | Person types | Custom actions run |")
    print("| --- | --- | --- |")
    for number, (text, runs) in enumerate(steps, start=1):
        names = ", ".join(f"{a} x{c}" if c > 1 else a for a, c in sorted(runs.items()))
        print(f"| {number} | {text[:40]} | {names or '-'} |")


def print_row(row: dict[str, Any]) -> None:
    """Print one checkpoint as a Markdown table row."""
    print(
        f"| {row['turn']} | {row['median_ms']:.0f} ms | {row['max_ms']:.0f} ms | "
        f"{row['events']} | {row['session_kb']:.0f} KB | {row['request_kb']:.0f} KB | "
        f"{row['encode_ms']:.2f} ms |",
        flush=True,
    )


def main() -> None:
    """Start a stack, drive one long conversation, print the table, stop the stack."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=500)
    args = parser.parse_args()
    stack = AllyStack(PROJECT_DIR, PROJECT_DIR / "models")
    stack.env["ALLY_RASA_TOKEN"] = TOKEN
    print(f"starting Ally's stack ({stack.var_dir}) ...", flush=True)
    try:
        stack.start()
        rasa_url = f"http://127.0.0.1:{stack.env['ALLY_RASA_PORT']}"
        print(f"  ready in {stack.ready_seconds:.1f} s; {args.turns} turns in one conversation")
        print(
            "| Turn | Median (last 10) | Max (last 10) | Session events "
            "| Request, whole session | Request sent | Encode sent |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- |")
        actions_url = f"http://127.0.0.1:{stack.env['ALLY_ACTIONS_PORT']}"
        asyncio.run(drive(rasa_url, actions_url, args.turns))
        print(f"Rasa RSS: {(stack.rss().get('rasa') or 0) / 2**20:.0f} MB")
    finally:
        stack.stop()
    stack.remove_var_dir()


if __name__ == "__main__":
    main()
