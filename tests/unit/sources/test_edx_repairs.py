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
