"""The fields of study a self-description states a qualification in."""

from credpath.skills.qualifications import MAX_SUBJECT_WORDS, MAX_SUBJECTS, qualification_subjects


def _subjects(text: str) -> list[str]:
    return [subject.text for subject in qualification_subjects(text)]


def test_the_shapes_people_state_a_qualification_in() -> None:
    assert _subjects("Customer service advisor in a bank for 3 years, accounting & finance degree (2:2).") == [
        "accounting",
        "finance",
    ]
    assert _subjects("Teller at a bank in Lagos. BSc Accounting, quite strong in Excel.") == ["Accounting"]
    assert _subjects("Teaching assistant for 3 years. I've got a psychology degree.") == ["psychology"]
    assert _subjects("Good with numbers (A-level maths).") == ["maths"]
    assert _subjects("Support worker, Level 3 Diploma in Health and Social Care.") == ["Health", "Social Care"]
    assert _subjects("BA (Hons) English Literature from Leeds") == ["English Literature"]
    assert _subjects("I have a degree in nursing and 5 years on wards") == ["nursing"]
    assert _subjects("Got my A-levels in maths and physics") == ["maths", "physics"]


def test_a_qualification_without_a_subject_names_none() -> None:
    assert _subjects("No degree, but I use Excel daily.") == []
    assert _subjects("GCSEs only, left school at 16.") == []
    assert _subjects("Maybe a degree apprenticeship later, but I want to start learning now.") == []
    assert _subjects("") == []


def test_spans_cover_the_qualification_so_a_wish_can_be_told_apart() -> None:
    text = "Nursing degree. I want a masters in public health."
    found = qualification_subjects(text)
    assert [s.text for s in found] == ["Nursing", "public health"]
    assert text[found[1].start : found[1].end] == "masters in public health"
    assert text[found[0].start : found[0].end] == "Nursing degree"


def test_a_long_clause_before_an_award_is_not_a_subject() -> None:
    words = " ".join(["word"] * (MAX_SUBJECT_WORDS + 5))
    assert _subjects(f"{words} degree") == []


def test_the_work_is_bounded() -> None:
    text = ". ".join(f"BSc {chr(97 + i % 26)}{chr(97 + i // 26)}x" for i in range(600))
    assert len(qualification_subjects(text)) == MAX_SUBJECTS
    assert len(_subjects("degree " * 2800)) <= MAX_SUBJECTS
