"""OB 3.0 and CTDL documents → credential records: what is read, and the JSON path of the first problem."""

import copy
import json
from pathlib import Path

import pytest

from credpath.errors import DocumentError
from credpath.standards.ctdl import read_ctdl
from credpath.standards.documents import iso_duration_hours
from credpath.standards.openbadges import read_ob3
from credpath.standards.records import AlignmentTarget, credential_row
from tests.standards_samples import CTDL, ESCO, OB3, load


def test_ob3_achievements_are_read_with_alignments_price_and_hours() -> None:
    items = read_ob3(load(OB3 / "achievements.json"))
    assert [i.title for i in items] == [
        "Data Analyst Foundations: Data Mining",
        "Data Analyst Foundations: Data Cleansing",
        "Database Querying for Data Analysts",
    ]
    mining, cleansing, querying = items
    assert (mining.kind, mining.cost, mining.currency, mining.duration_hours) == ("badge", 120.0, "EUR", 20.0)
    assert mining.provider == "Northwind Data Academy"
    assert (mining.issuer_id or "").startswith("did:key:")
    assert [a.target_url for a in mining.alignments] == [
        ESCO + "4216e465-7baa-4884-a241-54b197bb9278",
        ESCO + "25f0ea33-b4a2-4f31-b7b4-7d20e827b180",
    ]
    assert {a.target_type for a in mining.alignments} == {AlignmentTarget.ESCO_SKILL}
    # A framework that is neither ESCO nor O*NET: its text is a free-text competency for credpath to link.
    assert cleansing.competencies == ("Profile a data set and fix its quality issues",)
    onet = querying.alignments[2]
    assert (onet.target_type, onet.onet_code, querying.kind) == ("onet_occupation", "15-2051.01", "course")


def test_an_achievement_inside_a_credential_is_read_at_its_path() -> None:
    items = read_ob3(load(OB3 / "achievement_credential.json"))
    assert [i.path for i in items] == ["$.credentialSubject.achievement"]


@pytest.mark.parametrize(
    ("sample", "path"),
    [
        ("broken_alignment_url.json", "$[2].alignment[2].targetUrl"),
        ("broken_missing_name.json", "$.name"),
    ],
)
def test_a_broken_ob3_document_names_the_json_path_of_its_first_problem(sample: str, path: str) -> None:
    with pytest.raises(DocumentError) as raised:
        read_ob3(load(OB3 / sample))
    assert raised.value.path == path


def test_the_json_path_reaches_into_a_credential() -> None:
    document = load(OB3 / "achievement_credential.json")
    document["credentialSubject"]["achievement"]["alignment"][1]["targetUrl"] = "not a uri"
    with pytest.raises(DocumentError) as raised:
        read_ob3(document)
    assert raised.value.path == "$.credentialSubject.achievement.alignment[1].targetUrl"
    assert "absolute URI" in raised.value.detail


def test_a_property_the_schema_requires_is_named_where_it_is_missing() -> None:
    document = load(OB3 / "achievement_credential.json")
    document["credentialSubject"]["achievement"]["alignment"].append({"type": ["Alignment"], "targetName": "x"})
    with pytest.raises(DocumentError) as raised:
        read_ob3(document)
    assert raised.value.path == "$.credentialSubject.achievement.alignment[2].targetUrl"
    assert "required" in raised.value.detail


def test_the_published_schema_rejects_what_the_validator_vectors_reject(data_dir: Path) -> None:
    # 1EdTech's validator vectors (Apache-2.0): a valid credential passes, a wrongly typed achievement does not.
    simple = data_dir / "ob3_examples" / "validator_ob30_testvectors" / "simple.json"
    read_ob3(json.loads(simple.read_text(encoding="utf-8")))
    wrong = json.loads(simple.read_text(encoding="utf-8"))
    wrong["credentialSubject"]["achievement"]["criteria"] = "just a string"
    with pytest.raises(DocumentError) as raised:
        read_ob3(wrong)
    assert raised.value.path == "$.credentialSubject.achievement.criteria"


def test_ctdl_graph_is_read_with_costs_durations_and_competencies() -> None:
    badge, course = read_ctdl(load(CTDL / "catalogue.json"))
    assert (badge.title, badge.kind, badge.provider) == (
        "Data Analyst Dashboards and Business Intelligence",
        "badge",
        "Contoso Institute",
    )
    assert (badge.cost, badge.currency, badge.duration_hours) == (80.0, "EUR", 12.0)
    assert badge.competencies == ("Build dashboards that present findings to decision makers",)
    assert [a.target_type for a in badge.alignments] == ["esco_skill", "esco_skill", "other"]
    # Two cost profiles in one currency add up; three weeks at credpath's study pace (10 h a week).
    assert (course.kind, course.cost, course.duration_hours) == ("course", 60.0, 30.0)
    assert course.competencies == ("Interpret descriptive statistics",)
    assert course.alignments[-1].onet_code == "15-2041.00"


def test_a_broken_ctdl_document_names_the_json_path() -> None:
    with pytest.raises(DocumentError) as raised:
        read_ctdl(load(CTDL / "broken_cost.json"))
    assert raised.value.path == "$['@graph'][2]['ceterms:estimatedCost'][0]['ceterms:price']"


def test_ctdl_without_credentials_is_rejected() -> None:
    graph = load(CTDL / "catalogue.json")
    graph["@graph"] = graph["@graph"][:2]
    with pytest.raises(DocumentError, match="no ceterms credential"):
        read_ctdl(graph)


def test_rows_are_owned_per_organisation_and_hash_their_content() -> None:
    item = read_ob3(load(OB3 / "achievements.json"))[0]
    mine, theirs = credential_row(item, fmt="ob3", org_id="a"), credential_row(item, fmt="ob3", org_id="b")
    assert mine["id"] != theirs["id"]
    assert mine["source_key"] == theirs["source_key"] == item.key
    assert mine["content_hash"] == credential_row(item, fmt="ob3", org_id="a")["content_hash"]
    changed = copy.deepcopy(load(OB3 / "achievements.json"))
    changed[0]["offers"]["price"] = 99
    assert credential_row(read_ob3(changed)[0], fmt="ob3", org_id="a")["content_hash"] != mine["content_hash"]


@pytest.mark.parametrize(
    ("text", "hours"), [("PT40H", 40.0), ("P6W", 60.0), ("PT90M", 1.5), ("P", None), ("40h", None)]
)
def test_iso_durations(text: str, hours: float | None) -> None:
    assert iso_duration_hours(text) == hours
