"""The ``ally`` command line: run the stack, manage the database and accounts, train."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence

from bot.config import Settings, project_dir
from bot.errors import AllyError, ConfigError
from bot.ports import port_problem


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ally`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except AllyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ally", description=__doc__)
    sub = parser.add_subparsers(metavar="COMMAND")

    up = sub.add_parser("up", help="train if needed, migrate, and run the whole stack")
    up.add_argument("--no-train", action="store_true", help="serve the existing model as is")
    up.add_argument(
        "--scale",
        metavar="N",
        help="scale-out mode: N Rasa replicas and action servers on local PostgreSQL and Redis "
        "(docs/scale-out.md); 1 or no flag: the single-process stack on SQLite",
    )
    up.set_defaults(handler=_up)

    train = sub.add_parser("train", help="train the Rasa model if its inputs changed")
    train.add_argument("--force", action="store_true", help="train even if nothing changed")
    train.set_defaults(handler=_train)

    risk = sub.add_parser(
        "risk", help="the risk assessment (rules, classifier, context), for research and review"
    )
    risk_sub = risk.add_subparsers(metavar="ACTION", required=True)
    check = risk_sub.add_parser(
        "check", help='read {"id", "text"} JSON lines on stdin, write one decision per line'
    )
    check.add_argument(
        "--context", action="store_true",
        help='also read each line\'s "history" (earlier messages, oldest first) and "mood" (0-10)',
    )  # fmt: skip
    check.set_defaults(handler=_risk_check)
    evaluate = risk_sub.add_parser(
        "eval",
        help='measure on a labelled JSONL file {"id", "text", "risk", "category"}, '
        "or with --loso on every corpus source left out in turn",
    )
    evaluate.add_argument("file", nargs="?")
    evaluate.add_argument(
        "--loso", action="store_true",
        help="leave-one-source-out: train without each source of data/risk/corpus.yml, "
        "measure on it",
    )  # fmt: skip
    evaluate.add_argument("--source", action="append", default=[], help="with --loso: only these")
    evaluate.add_argument(
        "--records", metavar="FILE", help="with --loso: write one JSON line per message measured"
    )
    evaluate.add_argument(
        "--rules-only", action="store_true", help="the rules alone (the older report)"
    )
    evaluate.set_defaults(handler=_risk_eval)
    risk_train = risk_sub.add_parser(
        "train", help="train the risk classifier if its corpus changed"
    )
    risk_train.set_defaults(handler=_risk_train)

    crisis = sub.add_parser(
        "crisis-domain", help="write domain/crisis_responses.yml for ALLY_LOCALE"
    )
    crisis.set_defaults(handler=_crisis_domain)

    db = sub.add_parser("db", help="database migrations")
    db_sub = db.add_subparsers(metavar="ACTION", required=True)
    upgrade = db_sub.add_parser("upgrade", help="migrate forward (default: to the newest)")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(handler=_db_upgrade)
    downgrade = db_sub.add_parser("downgrade", help="migrate back to REVISION")
    downgrade.add_argument("revision")
    downgrade.set_defaults(handler=_db_downgrade)

    supporter = sub.add_parser("supporter", help="supporter accounts")
    supporter_sub = supporter.add_subparsers(metavar="ACTION", required=True)
    add = supporter_sub.add_parser("add", help="create an account")
    add.add_argument("--username", required=True)
    add.add_argument("--role", choices=["supporter", "admin", "researcher"], default="supporter")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(handler=_supporter_add)

    from bot.bench.cli import register as register_bench
    from bot.research.cli import register as register_research
    from bot.testing.cli import register as register_testing

    register_research(sub)
    register_testing(sub)
    register_bench(sub)
    return parser


def _up(args: argparse.Namespace) -> int:
    from bot.stack import services
    from bot.supervisor import Supervisor, run_stack
    from bot.training import latest_model, train_if_stale

    settings = Settings.from_env()
    replicas = _replicas(args.scale)
    if replicas > 1:
        from bot.scaleout.cli import up_scaled

        return up_scaled(settings, replicas, no_train=args.no_train)
    _check_ports(settings)
    log_dir = settings.var_dir / "log"
    if args.no_train:
        if latest_model(settings.model_dir) is None:
            raise ConfigError("ALLY_MODEL_DIR", f"no trained model in {settings.model_dir}")
    else:
        train_if_stale(settings, log_path=log_dir / "train.log")
    _migrate(settings)
    _ensure_first_account(settings)
    supervisor = Supervisor(
        services(settings), cwd=settings.project_dir, log_dir=log_dir, out=sys.stdout
    )

    def ready() -> None:
        print(
            "\nAlly is running:\n"
            f"  chat widget    http://localhost:{settings.web_port}/\n"
            f"  supporter app  http://localhost:{settings.web_port}/supporter\n"
            f"  Rasa (REST)    {settings.rasa_url}/webhooks/rest/webhook\n"
            f"  logs           {log_dir}/\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )

    return asyncio.run(run_stack(supervisor, on_ready=ready))


def _replicas(raw: str | None) -> int:
    if raw is None:
        return 1
    try:
        replicas = int(raw)
    except ValueError:
        raise ConfigError(
            "--scale", f"must be a whole number of Rasa replicas, got {raw!r}"
        ) from None
    if replicas < 1:
        raise ConfigError("--scale", f"must be at least 1, got {replicas}")
    return replicas


def _check_ports(settings: Settings) -> None:
    for name, host, port in (
        ("ALLY_WEB_PORT", settings.web_host, settings.web_port),
        ("ALLY_RASA_PORT", "127.0.0.1", settings.rasa_port),
        ("ALLY_ACTIONS_PORT", "127.0.0.1", settings.actions_port),
    ):
        # Checked as the servers bind (SO_REUSEADDR): a restart right after a stop is not
        # refused because of the last run's connections in TIME_WAIT.
        problem = port_problem(host, port)
        if problem:
            raise ConfigError(name, problem)


def _train(args: argparse.Namespace) -> int:
    from bot.training import train

    settings = Settings.from_env()
    ran = train(settings, log_path=settings.var_dir / "log" / "train.log", force=args.force)
    print("trained a new model" if ran else "the model is up to date")
    return 0


def _risk_check(args: argparse.Namespace) -> int:
    from bot.risk.evaluation import check_stream

    # Undecodable bytes become U+FFFD so one bad line cannot stop the stream.
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    check_stream(stdin, sys.stdout, with_context=args.context)
    return 0


def _risk_eval(args: argparse.Namespace) -> int:
    from bot.risk.evaluation import evaluate, format_decisions, format_report

    if args.loso:
        from bot.risk.generalisation import format_results, leave_one_source_out

        def progress(line: str) -> None:
            print(line, file=sys.stderr, flush=True)

        results = leave_one_source_out(project_dir(), only=args.source, progress=progress)
        print(format_results(results))
        if args.records:
            with open(args.records, "w", encoding="utf-8") as out:
                for result in results:
                    out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in result.records)
        return 0
    if not args.file:
        print("error: give a labelled file, or --loso", file=sys.stderr)
        return 2
    try:
        print(format_report(evaluate(args.file)) if args.rules_only
              else format_decisions(args.file))  # fmt: skip
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _risk_train(args: argparse.Namespace) -> int:
    from bot.risk.learning import ensure_model

    path, trained = ensure_model(project_dir())
    print(f"trained {path}" if trained else f"the risk model is up to date: {path}")
    return 0


def _crisis_domain(args: argparse.Namespace) -> int:
    from bot.risk.crisis_domain import write_crisis_domain

    settings = Settings.from_env()
    write_crisis_domain(settings.project_dir / "domain", settings.locale)
    return 0


def _migrate(settings: Settings, revision: str = "head") -> None:
    from bot.storage.migrate import upgrade

    try:
        upgrade(settings.database_url, revision)
    except Exception as exc:  # Driver errors vary by database; all mean "cannot migrate".
        raise ConfigError("ALLY_DATABASE_URL", f"cannot migrate the database: {exc}") from exc


def _db_upgrade(args: argparse.Namespace) -> int:
    _migrate(Settings.from_env(), args.revision)
    return 0


def _db_downgrade(args: argparse.Namespace) -> int:
    from bot.storage.migrate import downgrade

    downgrade(Settings.from_env().database_url, args.revision)
    return 0


def _ensure_first_account(settings: Settings) -> None:
    from bot.storage.accounts import count_accounts, create_account
    from bot.storage.engine import Database
    from bot.web.auth import generate_password, hash_password

    database = Database.from_url(settings.database_url)
    try:
        if database.run_sync(count_accounts) > 0:
            return
        password = generate_password()
        database.run_sync(
            create_account, username="admin", role="admin", password_hash=hash_password(password)
        )
    finally:
        database.close()
    print(
        "No supporter account existed, so one was created. Note the password now; "
        "it is not shown again:\n"
        f"  username: admin\n  password: {password}\n",
        flush=True,
    )


def _supporter_add(args: argparse.Namespace) -> int:
    from getpass import getpass

    from bot.storage.accounts import DuplicateAccountError, create_account
    from bot.storage.engine import Database
    from bot.web.auth import hash_password

    settings = Settings.from_env()
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else getpass()
    if len(password) < 12:
        print("error: the password must be at least 12 characters", file=sys.stderr)
        return 2
    _migrate(settings)
    database = Database.from_url(settings.database_url)
    try:
        database.run_sync(
            create_account,
            username=args.username,
            role=args.role,
            password_hash=hash_password(password),
        )
    except (DuplicateAccountError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        database.close()
    print(f"created {args.role} account {args.username!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
