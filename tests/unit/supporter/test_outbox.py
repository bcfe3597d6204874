from datetime import timedelta

from bot.clock import utcnow
from bot.storage.engine import Database
from bot.supporter import claims, outbox
from bot.supporter.webhook import backoff_seconds
from tests.unit.supporter.helpers import add_handoff, add_risk

SAM = claims.Actor("sam", "supporter")


def test_new_and_overdue_are_enqueued_once_without_message_text(database: Database) -> None:
    now = utcnow()
    late = add_risk(
        database, "late", "imminent", created_at=now - timedelta(seconds=400), excerpt="secret"
    )
    fresh = add_risk(database, "fresh", "high", excerpt="secret")
    handoff = add_handoff(database, "handoff", created_at=now - timedelta(hours=1))
    gone = add_risk(database, "gone", "high", created_at=now - timedelta(hours=1))
    database.run_sync(claims.resolve, escalation_id=gone, actor=SAM, outcome="false_alarm")

    assert database.run_sync(outbox.enqueue_due, now=now, target_seconds=300) == 4
    assert database.run_sync(outbox.enqueue_due, now=now, target_seconds=300) == 0
    items = database.run_sync(outbox.list_items)
    assert sorted((i.event, i.escalation_id) for i in items) == sorted(
        [("new", late), ("new", fresh), ("new", handoff), ("overdue", late)]
    )
    for item in items:
        assert "secret" not in str(item.payload)
        assert item.status == "pending" and item.attempts == 0
    overdue = next(i for i in items if i.event == "overdue")
    assert overdue.payload["event"] == "escalation.overdue"
    body = overdue.payload["escalation"]
    assert set(body) == {
        "id",
        "kind",
        "severity",
        "categories",
        "created_at",
        "waiting_seconds",
        "link",
    }
    assert body["waiting_seconds"] >= 400 and body["link"] == f"/supporter#escalation-{late}"


def test_claimed_escalations_are_not_overdue(database: Database) -> None:
    now = utcnow()
    late = add_risk(database, "late", "high", created_at=now - timedelta(seconds=400))
    database.run_sync(claims.claim, escalation_id=late, actor=SAM)
    database.run_sync(outbox.enqueue_due, now=now, target_seconds=300)
    assert [i.event for i in database.run_sync(outbox.list_items)] == ["new"]


def test_failed_attempts_are_persisted_then_given_up(database: Database) -> None:
    add_risk(database, "c1")
    now = utcnow()
    database.run_sync(outbox.enqueue_due, now=now, target_seconds=300)
    (item,) = database.run_sync(outbox.due, now=now)
    later = now + timedelta(seconds=30)
    database.run_sync(outbox.mark_attempt_failed, item_id=item.id, error="HTTP 500", retry_at=later)
    assert database.run_sync(outbox.due, now=now) == []
    (retry,) = database.run_sync(outbox.due, now=later)
    assert (retry.attempts, retry.last_error) == (1, "HTTP 500")
    database.run_sync(outbox.mark_attempt_failed, item_id=item.id, error="timeout", retry_at=None)
    (final,) = database.run_sync(outbox.list_items)
    assert (final.status, final.attempts) == ("failed", 2)
    assert database.run_sync(outbox.due, now=later + timedelta(days=1)) == []


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    for attempts, ceiling in [(1, 2.0), (2, 4.0), (3, 8.0), (10, 60.0)]:
        delays = [backoff_seconds(attempts, base=2.0, cap=60.0) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered
