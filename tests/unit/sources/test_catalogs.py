"""Reading a catalogue file: what lands in a credential row (fixtures written here, in the public layouts)."""

from pathlib import Path

from credpath.sources.catalogs import read_catalog

CERTTYPES_HEADER = "partner,course,skills,rating,reviewcount,level,certificatetype,duration,crediteligibility\n"


def test_a_review_count_in_the_skills_column_is_not_a_tag(tmp_path: Path) -> None:
    # The certificate-types dump puts a course's review count in its skills column when it lists no skills.
    path = tmp_path / "Coursera.csv"
    path.write_text(
        CERTTYPES_HEADER
        + "Yale University,The Science of Well-Being,(36.9k reviews),4.9,36900.0,Mixed , Course , 1 - 3 Months,False\n"
        + 'Google,Google Cybersecurity,"Network Security, Linux",4.8,16400.0,Beginner , Professional Certificate '
        + ", 3 - 6 Months,False\n",
        encoding="utf-8",
    )
    rows = {row["title"]: row for row in read_catalog(path, "coursera").credentials}
    assert rows["The Science of Well-Being"]["skill_tags"] == []
    assert "review" not in rows["The Science of Well-Being"]["search_text"]
    assert rows["Google Cybersecurity"]["skill_tags"] == ["Network Security", "Linux"]


def test_a_zero_width_space_leaves_the_shown_title_and_keeps_the_published_id(tmp_path: Path) -> None:
    path = tmp_path / "Coursera.csv"
    published = "Information\u200b \u200bSystems"
    path.write_text(
        CERTTYPES_HEADER
        + f"University of Minnesota,{published},Information Systems,4.7,100.0,Beginner , Specialization "
        ", 1 - 3 Months,False\n",
        encoding="utf-8",
    )
    (row,) = read_catalog(path, "coursera", source="coursera-certtypes").credentials
    assert row["title"] == "Information Systems"
    assert "\u200b" not in row["search_text"]
    # The id is the one every stored record and judged set already points at.
    assert row["id"] == "coursera-certtypes:information-systems-1eebbd4a"
    assert row["canonical_key"] == "coursera:university-of-minnesota:information-systems"
