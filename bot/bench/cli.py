"""``ally bench``."""

from __future__ import annotations

import argparse
import asyncio
import shlex
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the benchmark command to the ``ally`` parser."""
    bench = sub.add_parser(
        "bench",
        help="load-test Ally's stack against the rasa init moodbot (see docs/benchmarks.md)",
    )
    bench.add_argument("--users", type=_positive, default=50, help="concurrent people (50)")
    bench.add_argument(
        "--turns-per-user",
        type=_positive,
        default=None,
        help="turns per person (default: each script's own length)",
    )
    bench.add_argument(
        "--repeat", type=_positive, default=3, help="warm runs after the first one (3)"
    )
    bench.add_argument(
        "--baseline",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the moodbot baseline and print ratios (default: yes)",
    )
    bench.add_argument("--out", type=Path, default=Path("results/bench.json"))
    bench.add_argument(
        "--doc",
        type=Path,
        default=Path("docs/benchmarks.md"),
        help="Markdown file the results table is appended to",
    )
    bench.add_argument("--no-doc", action="store_true", help="do not append to --doc")
    bench.add_argument(
        "--scale",
        type=_at_least_two,
        default=None,
        metavar="N",
        help="also benchmark the scale-out topology (ally up --scale N: PostgreSQL, Redis, "
        "N Rasa replicas) after the single-process default",
    )
    bench.set_defaults(handler=_bench)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _at_least_two(text: str) -> int:
    value = int(text)
    if value < 2:
        raise argparse.ArgumentTypeError("the scale-out topology needs at least 2 replicas")
    return value


def _command(args: argparse.Namespace) -> str:
    """The equivalent command line, for the report."""
    argv = ["ally", "bench", "--users", str(args.users), "--repeat", str(args.repeat)]
    if args.turns_per_user is not None:
        argv += ["--turns-per-user", str(args.turns_per_user)]
    if not args.baseline:
        argv.append("--no-baseline")
    if args.scale is not None:
        argv += ["--scale", str(args.scale)]
    return shlex.join(argv)


def _bench(args: argparse.Namespace) -> int:
    from bot.bench.bench import BenchOptions, run_bench
    from bot.config import Settings
    from bot.training import train_if_stale

    settings = Settings.from_env()
    # As `ally up` does: the stacks under test then serve the model of the current data.
    train_if_stale(settings, log_path=settings.var_dir / "log" / "train.log")
    options = BenchOptions(
        users=args.users,
        turns_per_user=args.turns_per_user,
        repeat=args.repeat,
        baseline=args.baseline,
        out=args.out,
        doc=None if args.no_doc else args.doc,
        command=_command(args),
        scale=args.scale,
    )
    asyncio.run(run_bench(settings, options, sys.stdout))
    return 0
