import hashlib
import hmac

from bot.research.pseudonyms import Pseudonymiser


def test_participant_pseudonym_is_truncated_hmac_sha256_of_the_id() -> None:
    expected = hmac.new(b"salt", b"conv-1", hashlib.sha256).hexdigest()[:16]
    assert Pseudonymiser("salt").participant("conv-1") == expected


def test_pseudonyms_depend_on_the_salt_and_are_stable() -> None:
    assert Pseudonymiser("a").participant("x") == Pseudonymiser("a").participant("x")
    assert Pseudonymiser("a").participant("x") != Pseudonymiser("b").participant("x")
    assert Pseudonymiser("a").participant(None) is None


def test_supporters_have_their_own_namespace() -> None:
    pseudonyms = Pseudonymiser("salt")
    assert pseudonyms.supporter("sam") != pseudonyms.participant("sam")
    assert pseudonyms.actor("sam") == pseudonyms.supporter("sam")
    assert pseudonyms.actor("system") == "system"
    assert pseudonyms.actor("participant") == "participant"


def test_audit_targets_are_pseudonymised_only_when_they_name_a_person() -> None:
    pseudonyms = Pseudonymiser("salt")
    assert pseudonyms.target("conversation", "conv-1") == pseudonyms.participant("conv-1")
    assert pseudonyms.target("participant", "conv-1") == pseudonyms.participant("conv-1")
    assert pseudonyms.target("escalation", "17") == "17"
