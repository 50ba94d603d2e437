"""Language flags and the TF-IDF test for descriptions that belong to another course."""

import math
import random
from collections import Counter

import pytest

from credpath.sources.language import looks_non_english
from credpath.sources.misalignment import _tokens, description_alignment, misaligned_descriptions


def test_language_and_misalignment() -> None:
    assert looks_non_english("KI für alle")
    assert not looks_non_english("Machine Learning")
    rows = [
        ("Python Programming Basics", "Python, Programming", "Learn Python programming basics: variables and loops."),
        ("Marketing Strategy", "Marketing, Branding", "Learn Python programming and loops in Python."),
        ("Financial Accounting", "Accounting, Finance", "Accounting and finance fundamentals for managers."),
    ]
    assert misaligned_descriptions(rows) == {1}


def _reference_cosines(rows: list[tuple[str, str, str]]) -> list[list[float]]:
    """cos(description_i, title_j + skills_j) with the weighting written out by hand (the code it replaced)."""
    profiles = [_tokens(f"{t} {s}") for t, s, _ in rows]
    descriptions = [_tokens(d) for _, _, d in rows]
    df: Counter[str] = Counter()
    for tokens in profiles + descriptions:
        df.update(set(tokens))
    idf = {w: math.log((2 * len(rows) + 1) / (c + 1)) + 1.0 for w, c in df.items()}

    def vector(tokens: list[str]) -> dict[str, float]:
        v = {w: (1.0 + math.log(n)) * idf[w] for w, n in Counter(tokens).items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / norm for w, x in v.items()}

    pv, dv = [vector(p) for p in profiles], [vector(d) for d in descriptions]
    return [[sum(x * p.get(w, 0.0) for w, x in d.items()) for p in pv] for d in dv]


def _rows(n: int, seed: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    words = ["python", "data", "sql", "marketing", "finance", "cloud", "design", "leadership", "écoles", "boxes"]
    rows = []
    for _ in range(n):
        title = " ".join(rng.sample(words, 2)).title()
        skills = ", ".join(rng.sample(words, rng.randint(0, 3)))
        description = " ".join(rng.choices(words, k=rng.randint(0, 12)))
        rows.append((title, skills, description))
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectoriser_reproduces_the_calibrated_weighting(seed: int) -> None:
    rows = _rows(300, seed)  # more than one block of the cosine matrix
    cosines = _reference_cosines(rows)
    for i, found in enumerate(description_alignment(rows)):
        if not rows[i][2].strip():
            assert found is None
            continue
        assert found is not None
        own, best, other = found
        others = [c for j, c in enumerate(cosines[i]) if j != i]
        assert own == pytest.approx(cosines[i][i], abs=1e-12)
        assert best == pytest.approx(max(others), abs=1e-12)
        # The lowest-numbered row among those tied for best (identical profiles tie up to rounding).
        assert other == min(j for j, c in enumerate(cosines[i]) if j != i and c >= max(others) - 1e-12)


def test_edge_cases_of_the_alignment() -> None:
    assert description_alignment([]) == []
    assert description_alignment([("SQL", "SQL", "")]) == [None]
    own, best, other = description_alignment([("SQL", "SQL", "SQL queries")])[0]  # type: ignore[misc]
    assert own > 0
    assert (best, other) == (0.0, -1)
    # No token anywhere (stop words and one-letter words only): every cosine is zero, ties go to the first row.
    assert description_alignment([("The", "", "a the"), ("An", "", "of it")]) == [(0.0, 0.0, 1), (0.0, 0.0, 0)]


def test_a_foreign_description_is_flagged_only_under_an_english_title() -> None:
    description = "Aprenda los fundamentos de la programación con Python y los datos para su carrera"
    rows = [("Python for Everybody", "Python", description), ("Python para todos", "Python", description)]
    assert misaligned_descriptions(rows) == {0}
