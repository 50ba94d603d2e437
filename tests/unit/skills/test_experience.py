"""Which phrases of a self-description may name the writer's current role."""

from credpath.skills.experience import MAX_ROLE_PHRASES, MAX_ROLE_WORDS, role_phrases, unheld_spans


def test_wishes_are_left_out_and_only_short_clauses_are_kept() -> None:
    text = (
        "Registered nurse, 9 years, acute medical ward (band 6 now). I'm the Epic super-user for our unit and "
        "somehow ended up building all the ward audit spreadsheets. I'd like to move into health informatics."
    )
    phrases = role_phrases(text)
    assert phrases[:3] == ["Registered nurse", "9 years", "acute medical ward"]
    assert not any("informatics" in p for p in phrases)
    assert all(len(p.split()) <= MAX_ROLE_WORDS for p in phrases)


def test_a_spanish_wish_is_left_out_too() -> None:
    text = "Operario de almacén en Zaragoza. Me gustaría pasar a coordinador de logística."
    assert role_phrases(text) == ["Operario de almacén en Zaragoza"]


def test_the_work_is_bounded_and_repeats_are_dropped() -> None:
    text = ". ".join(f"Shift {i}" for i in range(100)) + ". Shift 1."
    phrases = role_phrases(text)
    assert len(phrases) == MAX_ROLE_PHRASES
    assert len(set(phrases)) == len(phrases)
    assert role_phrases("") == []


def test_where_and_how_long_stay_with_the_title_and_a_colon_ends_it() -> None:
    text = "Data analyst in a bank for four years: SQL, Tableau dashboards. I'd love to do data engineering."
    assert role_phrases(text)[:2] == ["Data analyst in a bank for four years", "SQL"]
    assert role_phrases("I'd love to be a wedding planner.") == []


def test_unheld_spans_are_wishes_to_the_end_of_their_sentence_and_denials_to_the_end_of_their_clause() -> None:
    text = (
        "Manual tester for 3 years - Jira, regression. We're moving to Azure and I want to learn Terraform, "
        "Docker. Never touched SQL or Power BI. No degree, but I use Excel daily. Quiero pasarme a DevOps."
    )
    spans = [text[a:b] for a, b in unheld_spans(text)]
    assert spans == [
        "want to learn Terraform, Docker.",
        "Never touched SQL or Power BI.",
        "No degree",
        "Quiero pasarme a DevOps.",
    ]
    assert unheld_spans("Data analyst at an insurer, SQL all day.") == []
    assert unheld_spans("") == []
