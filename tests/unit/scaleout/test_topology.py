"""The scale-out topology's specs, its CLI errors, and a real Redis server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import cli
from bot.errors import ConfigError
from bot.ports import free_port
from bot.scaleout import postgres as postgres_module
from bot.scaleout import redis as redis_module
from bot.scaleout.errors import MissingBinaryError
from bot.scaleout.redis import RedisServer, ping
from bot.scaleout.services import lock_lifetime
from bot.scaleout.topology import ScaleTopology
from tests.conftest import make_settings


@pytest.fixture
def topology(tmp_path: Path) -> ScaleTopology:
    settings = make_settings(
        tmp_path, ALLY_RASA_PORT="7005", ALLY_ACTIONS_PORT="7055", ALLY_WEB_PORT="7000"
    )
    return ScaleTopology(settings, 3, postgres_port=7433, redis_port=7380)


def test_services_in_start_order(topology: ScaleTopology) -> None:
    assert topology.service_names == [
        "actions-1", "actions-2", "actions-3", "rasa-1", "rasa-2", "rasa-3", "web",
    ]  # fmt: skip
    assert topology.rasa_urls == [f"http://127.0.0.1:{p}" for p in (7005, 7006, 7007)]


@pytest.mark.parametrize("index", [1, 2, 3])
def test_replica_i_uses_its_port_its_action_server_and_the_shared_stores(
    topology: ScaleTopology, index: int
) -> None:
    rasa = topology.specs[f"rasa-{index}"]
    actions = topology.specs[f"actions-{index}"]
    port, actions_port = 7004 + index, 7054 + index
    assert rasa.argv[rasa.argv.index("--port") + 1] == str(port)
    assert rasa.argv[rasa.argv.index("--endpoints") + 1] == "endpoints-scale.yml"
    assert rasa.health_url.startswith(f"http://127.0.0.1:{port}/status?token=")
    assert rasa.env["ALLY_ACTIONS_URL"] == f"http://127.0.0.1:{actions_port}/webhook"
    assert actions.argv[-2:] == ["--port", str(actions_port)]
    assert actions.health_url == f"http://127.0.0.1:{actions_port}/health"
    assert (rasa.env["ALLY_TRACKER_HOST"], rasa.env["ALLY_TRACKER_PORT"]) == ("127.0.0.1", "7433")
    assert rasa.env["ALLY_TRACKER_DB"] == "rasa"
    assert (rasa.env["ALLY_REDIS_HOST"], rasa.env["ALLY_REDIS_PORT"]) == ("127.0.0.1", "7380")
    for spec in (rasa, actions):
        assert spec.env["ALLY_DATABASE_URL"] == "postgresql://ally@127.0.0.1:7433/ally"


def test_every_variable_of_the_endpoints_file_is_set(topology: ScaleTopology) -> None:
    lines = (topology.settings.project_dir / "endpoints-scale.yml").read_text().splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    names = {part.split("}")[0] for part in text.split("${")[1:]}
    assert names
    for index in (1, 2, 3):
        env = topology.specs[f"rasa-{index}"].env
        assert names <= set(env), names - set(env)


def test_a_dead_replicas_lock_expires_well_before_the_web_app_gives_up(
    topology: ScaleTopology,
) -> None:
    timeout = topology.settings.rasa_timeout
    for index in (1, 2, 3):
        lifetime = int(topology.specs[f"rasa-{index}"].env["TICKET_LOCK_LIFETIME"])
        assert 0 < lifetime <= timeout / 2


@pytest.mark.parametrize(("timeout", "lifetime"), [(20.0, 10), (60.0, 30), (3.0, 5)])
def test_lock_lifetime_is_half_the_rasa_timeout_and_at_least_5_s(
    timeout: float, lifetime: int
) -> None:
    assert lock_lifetime(timeout) == lifetime


def test_the_replicas_use_the_resilient_tracker_and_lock_stores(topology: ScaleTopology) -> None:
    endpoints = (topology.settings.project_dir / "endpoints-scale.yml").read_text()
    assert "type: bot.nlu.resilient_store.ResilientSQLTrackerStore" in endpoints
    assert "type: bot.nlu.resilient_lock.WaitingRedisLockStore" in endpoints


def test_the_web_app_routes_over_every_replica(topology: ScaleTopology) -> None:
    web = topology.specs["web"]
    assert web.env["ALLY_RASA_URLS"] == ",".join(topology.rasa_urls)
    # "delete my data" and transcripts reach Rasa's events in PostgreSQL
    assert web.env["ALLY_TRACKER_DATABASE_URL"] == topology.tracker_url
    assert topology.settings.tracker_store == "postgresql://ally@127.0.0.1:7433/rasa"
    assert web.env["ALLY_DATABASE_URL"] == topology.database_url
    assert web.health_url == "http://127.0.0.1:7000/healthz"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "error: --scale: must be a whole number of Rasa replicas, got 'abc'\n"),
        ("0", "error: --scale: must be at least 1, got 0\n"),
        ("99", "error: --scale: must be between 2 and 16 Rasa replicas, got 99"),
    ],
)
def test_a_bad_scale_is_one_line_and_exit_2(
    value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["up", "--scale", value, "--no-train"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(message) and err.count("\n") == 1 and out == ""


@pytest.mark.parametrize("missing", ["redis-server", "initdb"])
def test_a_missing_server_binary_is_one_line_and_exit_2(
    missing: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda tool: None if tool == missing else real_which(tool))
    if missing == "redis-server":
        monkeypatch.setattr(redis_module, "DEBIAN_PATH", tmp_path / "no-redis-server")
    else:
        monkeypatch.setattr(postgres_module.glob, "glob", lambda pattern: [])
    monkeypatch.setenv("ALLY_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("ALLY_DATABASE_URL", f"sqlite:///{tmp_path / 'ally.db'}")
    for name in ("ALLY_WEB_PORT", "ALLY_RASA_PORT", "ALLY_ACTIONS_PORT",
                 "ALLY_SCALE_POSTGRES_PORT", "ALLY_SCALE_REDIS_PORT"):  # fmt: skip
        monkeypatch.setenv(name, str(free_port()))

    assert cli.main(["up", "--scale", "2", "--no-train"]) == 2

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: ") and missing in err and "is not installed" in err
    assert not (tmp_path / "var" / "scale").exists()  # nothing was started


def test_missing_binaries_raise_the_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda tool: None)
    monkeypatch.setattr(postgres_module.glob, "glob", lambda pattern: [])
    with pytest.raises(MissingBinaryError, match="apt-get install postgresql"):
        postgres_module.postgres_bin("pg_ctl")


@pytest.mark.slow
def test_a_real_redis_server_answers_and_stops(tmp_path: Path) -> None:
    server = RedisServer(free_port(), tmp_path / "redis.log")
    server.start()
    try:
        assert ping(server.port)
        assert server.pid is not None
    finally:
        server.stop()
    assert not ping(server.port)


def test_rasa_urls_setting(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, ALLY_RASA_URLS=" http://127.0.0.1:5005/, http://rasa-2:5005 ,"
    )
    assert settings.rasa_urls == ("http://127.0.0.1:5005", "http://rasa-2:5005")
    assert make_settings(tmp_path).rasa_urls == ()


@pytest.mark.parametrize(
    "raw", ["127.0.0.1:5005", "ftp://x:1", "http://a:1/webhook", "http://a:1,http://a:1"]
)
def test_bad_rasa_urls_name_the_setting(tmp_path: Path, raw: str) -> None:
    with pytest.raises(ConfigError, match="ALLY_RASA_URLS"):
        make_settings(tmp_path, ALLY_RASA_URLS=raw)
