from typing import Any

from actions import names


def test_every_name_exists_in_the_domain(domain: dict[str, Any]) -> None:
    known = (
        set(domain.get("responses", {}))
        | set(domain.get("slots", {}))
        | set(domain.get("forms", {}))
        | set(domain.get("actions", []))
        | {i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents", [])}
    )
    # Values actions write into slots: categorical values and from_intent mapping values.
    for slot in domain.get("slots", {}).values():
        known |= {str(v) for v in slot.get("values", [])}
        known |= {str(m["value"]) for m in slot.get("mappings", []) if "value" in m}
    declared = {
        value for key, value in vars(names).items() if key.isupper() and not key.startswith("MSG_")
    }
    assert declared, "names.py declares nothing"
    assert declared - known == set()
