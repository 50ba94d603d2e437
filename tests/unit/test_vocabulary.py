"""The wire vocabularies and the one ESCO-id helper."""

import msgspec
import pytest

from credpath.vocabulary import (
    ESCO_OCCUPATION_PREFIX,
    ESCO_SKILL_PREFIX,
    Evidence,
    GapStatus,
    IndexStatus,
    MatchKind,
    RelationType,
    TargetKind,
    Taxonomy,
    expand_esco_id,
    is_esco_id,
)


def test_enum_values_are_the_wire_strings() -> None:
    assert [e.value for e in Evidence] == ["verified", "declared", "inferred"]
    assert [e.value for e in GapStatus] == ["covered", "partial", "missing"]
    assert [e.value for e in MatchKind] == ["exact", "narrower", "broader", "semantic"]
    assert [e.value for e in RelationType] == ["essential", "optional"]
    assert [e.value for e in IndexStatus] == ["ready", "stale", "absent", "unknown"]
    assert [e.value for e in Taxonomy] == ["esco", "onet"]
    assert [e.value for e in TargetKind] == ["occupation", "title", "posting", "skills"]
    # Stored strings compare equal to members, and members serialise as their strings.
    assert Evidence.VERIFIED == "verified"
    assert {"verified": 1}[Evidence.VERIFIED] == 1
    assert msgspec.json.encode({"status": GapStatus.PARTIAL}) == b'{"status":"partial"}'


@pytest.mark.parametrize(
    ("given", "prefix", "expected"),
    [
        (ESCO_SKILL_PREFIX + "abc", ESCO_SKILL_PREFIX, ESCO_SKILL_PREFIX + "abc"),
        ("https://example.org/x", ESCO_SKILL_PREFIX, "https://example.org/x"),
        ("http:/data.europa.eu/esco/skill/abc", ESCO_SKILL_PREFIX, ESCO_SKILL_PREFIX + "abc"),
        (
            " /ccd0a1d9-afda-43d9-b901-96344886e14d ",
            ESCO_OCCUPATION_PREFIX,
            ESCO_OCCUPATION_PREFIX + "ccd0a1d9-afda-43d9-b901-96344886e14d",
        ),
        ("15-2041.00", ESCO_OCCUPATION_PREFIX, "15-2041.00"),
        ("not-a-uuid", ESCO_SKILL_PREFIX, "not-a-uuid"),
    ],
)
def test_expand_esco_id(given: str, prefix: str, expected: str) -> None:
    assert expand_esco_id(given, prefix) == expected


def test_is_esco_id() -> None:
    assert is_esco_id(ESCO_OCCUPATION_PREFIX + "x")
    assert is_esco_id("http://data.europa.eu/esco/isco/C25")
    assert not is_esco_id("15-2041.00")
    assert not is_esco_id("https://www.coursera.org/learn/sql")
