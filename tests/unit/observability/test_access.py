import pytest

from bot.observability.access import MetricsAccess, is_loopback, metrics_access

TOKEN = "t" * 32


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.5", False),
        ("203.0.113.9", False),
        ("::ffff:203.0.113.9", False),
        ("localhost", False),  # a name, not an address: never trusted
        ("", False),
        (None, False),
    ],
)
def test_is_loopback(remote: str | None, expected: bool) -> None:
    assert is_loopback(remote) is expected


def test_loopback_needs_no_token() -> None:
    assert metrics_access("127.0.0.1", {}, "") is MetricsAccess.ALLOWED
    assert metrics_access("::1", {}, TOKEN) is MetricsAccess.ALLOWED


def test_other_hosts_get_not_found_when_no_token_is_configured() -> None:
    assert metrics_access("203.0.113.9", {}, "") is MetricsAccess.HIDDEN
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert metrics_access("203.0.113.9", bearer, "") is MetricsAccess.HIDDEN


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"])
def test_a_local_reverse_proxy_does_not_make_a_request_loopback(header: str) -> None:
    assert metrics_access("127.0.0.1", {header: "203.0.113.9"}, "") is MetricsAccess.HIDDEN
    assert metrics_access("127.0.0.1", {header: "x"}, TOKEN) is MetricsAccess.UNAUTHORIZED


@pytest.mark.parametrize(
    ("authorization", "expected"),
    [
        (f"Bearer {TOKEN}", MetricsAccess.ALLOWED),
        (f"bearer {TOKEN}", MetricsAccess.ALLOWED),
        (f"Bearer {TOKEN}x", MetricsAccess.UNAUTHORIZED),
        (f"Basic {TOKEN}", MetricsAccess.UNAUTHORIZED),
        ("Bearer", MetricsAccess.UNAUTHORIZED),
        ("", MetricsAccess.UNAUTHORIZED),
    ],
)
def test_other_hosts_need_the_bearer_token(authorization: str, expected: MetricsAccess) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    assert metrics_access("203.0.113.9", headers, TOKEN) is expected
