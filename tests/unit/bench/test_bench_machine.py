"""Machine description and service processes, read from /proc."""

import os

from bot.bench.machine import (
    command_line,
    cpu_model,
    cpu_seconds,
    describe_machine,
    rss_bytes,
    service_name,
    total_ram_bytes,
)


def test_cpu_model_and_ram_from_proc_text() -> None:
    assert cpu_model("processor\t: 0\nmodel name\t: AMD EPYC 7B13\n") == "AMD EPYC 7B13"
    assert total_ram_bytes("MemTotal:       2048 kB\nMemFree: 1 kB\n") == 2048 * 1024
    assert total_ram_bytes("nothing") is None


def test_rss_from_status_text() -> None:
    assert rss_bytes(1, status="Name:\tpython\nVmRSS:\t  1000 kB\n") == 1_024_000
    assert rss_bytes(1, status="Name:\tzombie\n") is None


def test_rss_of_this_process_and_a_gone_one() -> None:
    assert (rss_bytes(os.getpid()) or 0) > 1_000_000
    assert rss_bytes(2**22 + 12345) is None


def test_describe_machine() -> None:
    machine = describe_machine()
    assert machine["cores"] == os.cpu_count()
    assert len(machine["load_average"]) == 3
    assert machine["cpu_model"]


def test_service_names_from_the_stacks_command_lines() -> None:
    venv = "/p/.venv/rasa/bin"
    assert (
        service_name([f"{venv}/python", "-m", "bot.nlu.rasa_server", "run", "--port", "5"])
        == "rasa"
    )
    assert service_name([f"{venv}/python", f"{venv}/rasa", "run", "--enable-api"]) == "rasa"
    assert service_name([f"{venv}/python", "-m", "actions", "--port", "5055"]) == "actions"
    assert service_name([f"{venv}/python", f"{venv}/rasa", "run", "actions"]) == "actions"
    assert service_name(["/p/.venv/web/bin/python", "-m", "bot.web"]) == "web"
    assert service_name(["/bin/sh"]) is None


def test_command_line_of_this_process() -> None:
    assert command_line(os.getpid())


def test_cpu_seconds_from_stat_text() -> None:
    tick = os.sysconf("SC_CLK_TCK")
    stat = f"42 (rasa server) S 1 42 42 0 -1 4194560 10 0 0 0 {3 * tick} {tick} 0 0 20 0"
    assert cpu_seconds(42, stat=stat) == 4.0
    assert cpu_seconds(2**22 + 12345) is None
    assert (cpu_seconds(os.getpid()) or 0) > 0
