"""The event vocabularies the API accepts and documents: PLOVER types and modes, ACLED types and sub-types,
and how ACLED's sub-event types correspond to PLOVER.

A static table on purpose: it is part of the public contract (filters are validated against it and
`GET /v1/event-types` publishes it), so it changes only with a deliberate edit, never with the extractor.
Descriptions are our own summaries of the PLOVER draft codebook and of ACLED's codebook; the modes and the
ACLED → PLOVER correspondence are the ones the event coder (indexer/data/events/triggers.yaml) emits.
"""

from __future__ import annotations

from typing import Any

from indexer.contract import ACLED_TO_PLOVER

PLOVER_TYPES: dict[str, dict[str, Any]] = {
    "AGREE": {
        "description": "Say one will cooperate, settle or meet; a promise, not yet the act",
        "modes": [],
    },
    "CONSULT": {
        "description": "Meet, call, visit or negotiate",
        "modes": ["phone", "visit", "host", "third-party", "multilateral"],
    },
    "SUPPORT": {
        "description": "Praise, endorse, recognise or sign an agreement with another actor",
        "modes": [],
    },
    "CONCEDE": {
        "description": "Yield to a demand: ease restrictions, accept reforms or leadership change",
        "modes": [],
    },
    "COOPERATE": {
        "description": "Work together materially: economic, military, judicial, intelligence",
        "modes": [],
    },
    "AID": {
        "description": "Provide economic, military or humanitarian help, protection or asylum",
        "modes": ["economic", "military", "humanitarian"],
    },
    "RETREAT": {
        "description": "Step back: release people or property, allow access, cease fire, withdraw, disarm",
        "modes": ["release", "return", "ease", "access", "ceasefire", "withdraw", "disarm"],
    },
    "REQUEST": {
        "description": "Ask or demand that another actor help, change, yield or meet",
        "modes": ["assist", "change", "yield", "meet"],
    },
    "ACCUSE": {
        "description": "Criticise, accuse, sue or open an investigation",
        "modes": ["disapprove", "investigate", "allege"],
    },
    "REJECT": {
        "description": "Refuse a request, proposal or demand; defy norms",
        "modes": ["assist", "change", "yield", "meet"],
    },
    "THREATEN": {
        "description": "Threaten sanctions, restrictions or violence",
        "modes": ["restrict", "ban", "relations", "expel", "violence", "territory"],
    },
    "PROTEST": {
        "description": "Demonstrate, strike, boycott, block roads or riot",
        "modes": ["demo", "strike-hun", "strike-lim", "boycott", "obstruct", "riot"],
    },
    "SANCTION": {
        "description": "Cut relations or aid, expel, convict, impose sanctions",
        "modes": ["withdraw", "discontinue", "expel", "convict"],
    },
    "MOBILIZE": {
        "description": "Raise the alert, deploy or reinforce troops or police",
        "modes": ["troops", "police"],
    },
    "COERCE": {
        "description": "Use state power short of violence: arrest, seize, restrict, ban, curfew, deport",
        "modes": ["seize", "confiscate", "restrict", "ban", "curfew", "martial-law", "arrest", "deport"],
    },
    "ASSAULT": {
        "description": "Use violence: armed clashes, shelling, air strikes, bombings, killings, abductions",
        "modes": [
            "firearms",
            "primitive",
            "heavy-weapons",
            "aerial",
            "explosives",
            "suicide-attack",
            "assassinate",
            "abduct",
            "beat",
            "sexual",
            "torture",
            "destroy",
            "chemical",
            "cleansing",
            "unconventional",
        ],
    },
}

ACLED_TYPES: dict[str, dict[str, Any]] = {
    "Battles": {
        "description": "Violent interaction between two organised armed groups",
        "sub_event_types": [
            "Armed clash",
            "Government regains territory",
            "Non-state actor overtakes territory",
        ],
    },
    "Explosions/Remote violence": {
        "description": "One-sided violence by explosive or remote means",
        "sub_event_types": [
            "Chemical weapon",
            "Air/drone strike",
            "Suicide bomb",
            "Shelling/artillery/missile attack",
            "Remote explosive/landmine/IED",
            "Grenade",
        ],
    },
    "Violence against civilians": {
        "description": "Violence by an organised armed group against unarmed non-combatants",
        "sub_event_types": ["Sexual violence", "Attack", "Abduction/forced disappearance"],
    },
    "Protests": {
        "description": "Public, non-violent demonstrations",
        "sub_event_types": [
            "Peaceful protest",
            "Protest with intervention",
            "Excessive force against protesters",
        ],
    },
    "Riots": {
        "description": "Violent events by demonstrators or mobs",
        "sub_event_types": ["Violent demonstration", "Mob violence"],
    },
    "Strategic developments": {
        "description": "Non-violent but significant activity within a conflict",
        "sub_event_types": [
            "Agreement",
            "Arrests",
            "Change to group/activity",
            "Disrupted weapons use",
            "Headquarters or base established",
            "Looting/property destruction",
            "Non-violent transfer of territory",
            "Other",
        ],
    },
}


def acled_sub_event_types() -> list[str]:
    return [sub for entry in ACLED_TYPES.values() for sub in entry["sub_event_types"]]


def canonical_plover_type(value: str) -> str | None:
    """The PLOVER type spelled as stored (upper case), or None when it is not one."""
    upper = value.strip().upper()
    return upper if upper in PLOVER_TYPES else None


def _canonical_from(value: str, choices: list[str]) -> str | None:
    wanted = value.strip().casefold()
    for choice in choices:
        if choice.casefold() == wanted:
            return choice
    return None


def canonical_acled_type(value: str) -> str | None:
    """ACLED event type in ACLED's own spelling, matched without regard to case."""
    return _canonical_from(value, list(ACLED_TYPES))


def canonical_acled_sub_type(value: str) -> str | None:
    return _canonical_from(value, acled_sub_event_types())


def vocabulary() -> dict[str, Any]:
    """The published table for `GET /v1/event-types`."""
    return {
        "plover": [
            {"type": name, "description": entry["description"], "modes": list(entry["modes"])}
            for name, entry in PLOVER_TYPES.items()
        ],
        "acled": [
            {
                "event_type": name,
                "description": entry["description"],
                "sub_event_types": list(entry["sub_event_types"]),
            }
            for name, entry in ACLED_TYPES.items()
        ],
        "mapping": [
            {
                "acled_event_type": acled_type,
                "acled_sub_event_type": sub,
                "plover_type": ACLED_TO_PLOVER[sub][0],
                "plover_mode": ACLED_TO_PLOVER[sub][1],
            }
            for acled_type, entry in ACLED_TYPES.items()
            for sub in entry["sub_event_types"]
        ],
    }
