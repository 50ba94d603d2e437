"""The edX repairs: institutions cut with '…' and run-together program strings."""

from credpath.sources.edx_repairs import restore_edx_institution, split_edx_programs


def test_edx_repairs() -> None:
    assert split_edx_programs("XSeriesinPredictionX") == ["XSeries in PredictionX"]
    assert split_edx_programs("MicroBachelors PrograminFull StackProfessional CertificateinCloud") == [
        "MicroBachelors Program in Full Stack",
        "Professional Certificate in Cloud",
    ]
    restored = restore_edx_institution(
        "The University of Maryland, CollegePark…",
        "https://www.edx.org/learn/agile/the-university-of-maryland-college-park-agile-leadership",
        [],
        title="Agile Leadership",
    )
    assert restored == "The University of Maryland, College Park"
    assert restore_edx_institution("Foo U…", "https://www.edx.org/course/edna-01x", []) == "Foo U…"


def test_run_together_titles_get_their_spaces_back_from_the_url() -> None:
    from credpath.sources.edx_repairs import repair_run_together_title

    link = "https://www.edx.org/learn/sql/harvard-university-cs50-s-introduction-to-databases-with-sql"
    assert repair_run_together_title("CS50's Introduction toDatabases with SQL", link) == (
        "CS50's Introduction to Databases with SQL"
    )
    spanish = "https://www.edx.org/learn/arduino/pontificia-universidad-javeriana-arduino-para-ninos-vamos-al-espacio"
    assert repair_run_together_title("Arduino para niños ¡vamosal espacio!", spanish) == (
        "Arduino para niños ¡vamos al espacio!"
    )
    # Nothing to align with: unchanged.
    assert repair_run_together_title("Data Science: MachineLearning", "https://www.edx.org/learn/x/other") == (
        "Data Science: MachineLearning"
    )
    assert repair_run_together_title("Already Fine", "") == "Already Fine"
