import threading

import pytest

from bot.storage.audit import list_audit
from bot.storage.engine import Database
from bot.storage.escalations import get_escalation, list_notes
from bot.supporter import claims
from bot.supporter.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from tests.unit.supporter.helpers import add_risk

SAM = claims.Actor("sam", "supporter")
ALEX = claims.Actor("alex", "supporter")
ADMIN = claims.Actor("root", "admin")


def test_claim_sets_claimer_and_time_and_audits(database: Database) -> None:
    escalation_id = add_risk(database, "c1")
    claimed = database.run_sync(claims.claim, escalation_id=escalation_id, actor=SAM)
    assert claimed.status == "claimed" and claimed.claimed_by == "sam"
    assert claimed.claimed_at is not None
    (entry,) = database.run_sync(list_audit)
    assert (entry.actor, entry.action, entry.target_id) == (
        "sam",
        "escalation.claim",
        str(escalation_id),
    )
    with pytest.raises(ConflictError, match="already claimed by sam"):
        database.run_sync(claims.claim, escalation_id=escalation_id, actor=ALEX)
    with pytest.raises(NotFoundError):
        database.run_sync(claims.claim, escalation_id=999, actor=ALEX)


def test_only_the_claimer_or_an_admin_can_release(database: Database) -> None:
    escalation_id = add_risk(database, "c1")
    database.run_sync(claims.claim, escalation_id=escalation_id, actor=SAM)
    with pytest.raises(ForbiddenError):
        database.run_sync(claims.unclaim, escalation_id=escalation_id, actor=ALEX)
    released = database.run_sync(claims.unclaim, escalation_id=escalation_id, actor=ADMIN)
    assert released.status == "open" and released.claimed_by is None and released.claimed_at is None
    with pytest.raises(ConflictError):
        database.run_sync(claims.unclaim, escalation_id=escalation_id, actor=SAM)
    database.run_sync(claims.claim, escalation_id=escalation_id, actor=SAM)
    assert (
        database.run_sync(claims.unclaim, escalation_id=escalation_id, actor=SAM).status == "open"
    )


def test_resolve_with_outcome_and_note_in_one_transaction(database: Database) -> None:
    escalation_id = add_risk(database, "c1")
    database.run_sync(claims.claim, escalation_id=escalation_id, actor=SAM)
    with pytest.raises(ForbiddenError):
        database.run_sync(
            claims.resolve, escalation_id=escalation_id, actor=ALEX, outcome="contacted"
        )
    with pytest.raises(InvalidInputError):
        database.run_sync(claims.resolve, escalation_id=escalation_id, actor=SAM, outcome="nah")
    with pytest.raises(InvalidInputError):  # a bad note fails before anything is written
        database.run_sync(
            claims.resolve, escalation_id=escalation_id, actor=SAM, outcome="other", note="  "
        )
    assert database.run_sync(get_escalation, escalation_id=escalation_id).status == "claimed"
    done = database.run_sync(
        claims.resolve,
        escalation_id=escalation_id,
        actor=SAM,
        outcome="emergency_services",
        note="called 911 with them",
    )
    assert (done.status, done.outcome) == ("resolved", "emergency_services")
    assert done.resolved_at is not None
    (note,) = database.run_sync(list_notes, escalation_id=escalation_id)
    assert note.text == "called 911 with them" and note.author == "sam"
    actions = [e.action for e in database.run_sync(list_audit)]
    assert actions == ["escalation.resolve", "escalation.claim"]
    assert all("911" not in str(e.detail) for e in database.run_sync(list_audit))
    with pytest.raises(ConflictError):
        database.run_sync(claims.resolve, escalation_id=escalation_id, actor=ADMIN, outcome="other")


def test_an_open_escalation_can_be_resolved_without_a_claim(database: Database) -> None:
    escalation_id = add_risk(database, "c1")
    done = database.run_sync(
        claims.resolve, escalation_id=escalation_id, actor=ALEX, outcome="false_alarm"
    )
    assert done.status == "resolved" and done.claimed_by is None


def test_notes_are_validated_and_kept_verbatim(database: Database) -> None:
    escalation_id = add_risk(database, "c1")
    for bad in ("", "   ", None, 5, "x" * 4001, "a\x00b"):
        with pytest.raises(InvalidInputError):
            database.run_sync(claims.add_note, escalation_id=escalation_id, actor=SAM, text=bad)
    text = "<script>alert(1)</script> 🙂"
    database.run_sync(claims.add_note, escalation_id=escalation_id, actor=SAM, text=text)
    (note,) = database.run_sync(list_notes, escalation_id=escalation_id)
    assert note.text == text
    with pytest.raises(NotFoundError):
        database.run_sync(claims.add_note, escalation_id=12345, actor=SAM, text="hi")


def test_exactly_one_of_many_concurrent_claims_wins(database: Database) -> None:
    escalation_id = add_risk(database, "c1")
    contenders = 8
    barrier = threading.Barrier(contenders)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(index: int) -> None:
        actor = claims.Actor(f"supporter{index}", "supporter")
        barrier.wait()
        try:
            database.run_sync(claims.claim, escalation_id=escalation_id, actor=actor)
            result = f"won:{actor.username}"
        except ConflictError:
            result = "lost"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o.startswith("won:")]
    assert len(outcomes) == contenders
    assert len(winners) == 1
    final = database.run_sync(get_escalation, escalation_id=escalation_id)
    assert winners == [f"won:{final.claimed_by}"]
    claim_audits = [e for e in database.run_sync(list_audit) if e.action == "escalation.claim"]
    assert len(claim_audits) == 1
