"""Port checks before start-up (bot/ports.py, used by `ally up` and the scale-out topology)."""

from __future__ import annotations

import socket

from bot.ports import free_port, port_problem


def _leave_time_wait(port: int) -> None:
    """Serve one connection on ``port`` and close it from the server side, as a stopped
    server does: the server's end of it stays in TIME_WAIT for about a minute."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen()
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        accepted.close()  # the side that closes first keeps TIME_WAIT
        client.recv(1)
        client.close()


def test_a_port_left_in_time_wait_by_the_last_run_is_usable() -> None:
    port = free_port()
    _leave_time_wait(port)
    with socket.socket() as plain:  # the check as it used to be: refused
        try:
            plain.bind(("127.0.0.1", port))
            refused_without_reuse = False
        except OSError:
            refused_without_reuse = True
    assert refused_without_reuse  # proves the TIME_WAIT is really there
    assert port_problem("127.0.0.1", port) is None


def test_a_port_someone_listens_on_is_refused() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert port_problem("127.0.0.1", port) == f"port {port} is already in use"
