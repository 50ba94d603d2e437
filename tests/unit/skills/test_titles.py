"""Vacancy-title normalisation: what a job board adds to an occupation's name comes off, the occupation stays."""

import pytest

from credpath.skills.titles import ABBREVIATIONS, normalise_title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # seniority and grade
        ("Senior Data Analyst", "Data Analyst"),
        ("Sr. Software Engineer II", "Software Engineer"),
        ("Junior Graphic Designer", "Graphic Designer"),
        ("Lead Developer", "Developer"),
        ("Nursery Practitioner Level 3", "Nursery Practitioner"),
        ("Band 5 Staff Nurse", "Staff Nurse"),
        # contract and schedule
        ("Sales Associate - Part Time - Store 123", "Sales Associate"),
        ("Part Time Barista", "Barista"),
        ("Warehouse Operative - Nights", "Warehouse Operative"),
        ("Admin Assistant – Temp to Perm", "administrative Assistant"),
        ("Credit Controller (Part-Time, 25hrs)", "Credit Controller"),
        ("HR Administrator (12-Month FTC)", "human resources Administrator"),
        ("Office Cleaner – Evenings (Mon-Fri, 6-8pm)", "Office Cleaner"),
        # pay, codes, gender tags
        ("RN – Med/Surg, Nights ($5K Sign-On Bonus)", "registered nurse (Med/Surg)"),
        ("Line Cook - Full Time (Store #4471)", "Line Cook"),
        ("Telesales Executive – £25k + OTE", "Telesales Executive"),
        ("Reach Truck Operator – Nights (£14.50/hr)", "Reach Truck Operator"),
        ("Pharmacist Manager – Community (Store 2141)", "Pharmacist Manager (Community)"),
        ("Senior Data Analyst (m/f/d)", "Data Analyst"),
        ("Sommelier (m/w/d)", "Sommelier"),
        # work location after a remote/hybrid marker
        ("Social Media Manager – Hybrid, London", "Social Media Manager"),
        ("Customer Experience Manager (Remote, US)", "Customer Experience Manager"),
        # what says something about the occupation stays
        ("Registered Nurse (RN) - ICU Nights", "Registered Nurse (ICU)"),
        ("Senior Software Engineer (Python)", "Software Engineer (Python)"),
        ("Chef de Partie – Pastry", "Chef de Partie (Pastry)"),
        ("Data Protection Officer (DPO)", "Data Protection Officer"),
        ("Night Porter", "Night Porter"),
        ("Head Chef", "Head Chef"),
        # abbreviations, with their case, in the occupation only
        ("UX Designer", "user experience Designer"),
        ("HGV Class 1 Driver", "heavy goods vehicle Class 1 Driver"),
        ("PA to CEO", "personal assistant to CEO"),
        ("BI Developer (Power BI / SQL)", "business intelligence Developer (Power BI, SQL)"),
        ("L&D Coordinator", "learning and development Coordinator"),
    ],
)
def test_titles_are_normalised(title: str, expected: str) -> None:
    assert normalise_title(title) == expected


@pytest.mark.parametrize("title", ["Temp", "Lead", "Senior", "(m/f/d)", "Store 123"])
def test_a_title_that_would_be_left_empty_comes_back_whole(title: str) -> None:
    assert normalise_title(f"  {title} ") == " ".join(title.split())


def test_abbreviations_keep_their_case_and_word_boundaries() -> None:
    assert normalise_title("Rn Manager") == "Rn Manager"
    assert normalise_title("QAnon Researcher") == "QAnon Researcher"
    assert normalise_title("QA Tester") == "quality assurance Tester"
    assert normalise_title("UX Designer", expand_abbreviations=False) == "UX Designer"


def test_every_abbreviation_expands_to_lower_case_words() -> None:
    for abbreviation, expansion in ABBREVIATIONS.items():
        assert expansion != abbreviation
        assert normalise_title(f"{abbreviation} Lead") == f"{expansion} Lead"
