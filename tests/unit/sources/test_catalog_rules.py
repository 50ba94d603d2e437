"""The catalogue normalisation rules, on the values the real catalogues contain."""

import pytest

from credpath.sources import catalog_rules as rules


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("Less Than 2 Hours", 1.0),
        (" 1 - 4 Weeks", 25.0),
        ("1 - 3 Months", round(2 * 10 * 52 / 12, 4)),
        (" 1 - 4 Years", 2.5 * 520),
        (" 24 meses.", round(24 * 10 * 52 / 12, 4)),
        (" 3 – 6 years", 4.5 * 520),
        (" 2 or 3 years", 2.5 * 520),
        ("None", None),
        ("someday", None),
        ("15+ hours of study/wk per course", None),
    ],
)
def test_parse_duration_hours(text: str, hours: float | None) -> None:
    assert rules.parse_duration_hours(text) == hours


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (" Professional Certificate ", "professional_certificate"),
        ("Degree ", "degree"),
        (" Guided Project ", "guided_project"),
        ("Project", "project"),
        ("XSeries", "xseries"),
        ("Postgraduate Diploma ", "postgraduate_diploma"),
        ("Graduate Certificate ", "graduate_certificate"),
        ("University Certificate ", "university_certificate"),
        ("Mastertrack ", "mastertrack"),
        ("None", "other"),
    ],
)
def test_normalise_kind(text: str, kind: str) -> None:
    assert rules.normalise_kind(text) == kind


def test_levels_counts_and_ratings() -> None:
    assert rules.normalise_level("Intermediate ") == "intermediate"
    assert rules.normalise_level("Introductory") == "beginner"
    assert rules.normalise_level("None") is None
    assert rules.parse_count("2K") == 2000
    assert rules.parse_count("700,909") == 700_909
    assert rules.parse_count("21400.0") == 21_400
    assert rules.parse_count("abc") is None
    assert rules.parse_rating("5.01") is None
    assert rules.parse_rating("0") == 0.0


def test_split_tags_keeps_comma_skills_whole() -> None:
    tags = rules.split_tags(" SQL, Python,  , None, sql, Law, Regulation, and Compliance, Extract, Transform, Load")
    assert tags == ["SQL", "Python", "Law, Regulation, and Compliance", "Extract, Transform, Load"]
