"""What is served: the scorer's threshold, and a title that is the skill's name."""

from types import SimpleNamespace

import numpy as np

from credpath.alignments import served_alignments
from credpath.skills.alignment import FEATURE_NAMES, AlignmentCandidate
from credpath.skills.alignment_model import AlignmentModel

# Every pair scores 0.5 (no weights), under a threshold of 0.9.
MODEL = AlignmentModel(
    features=FEATURE_NAMES,
    mean=(0.0,) * len(FEATURE_NAMES),
    scale=(1.0,) * len(FEATURE_NAMES),
    coef=(0.0,) * len(FEATURE_NAMES),
    intercept=0.0,
    calibration=(1.0, 0.0),
    threshold=0.9,
)
SKILLS = SimpleNamespace(item_ids=["skill/sql", "skill/graphic-design"])


def _candidate(item: int, *, named: bool) -> AlignmentCandidate:
    features = np.zeros(len(FEATURE_NAMES))
    features[FEATURE_NAMES.index("title")] = 1.0  # the title names it, so it may be served
    return AlignmentCandidate("c1", item, ("title (1.00)",), features, named=named)


def test_a_title_that_is_the_skills_name_is_served_under_the_threshold() -> None:
    served = served_alignments([_candidate(0, named=True), _candidate(1, named=False)], MODEL, SKILLS)  # type: ignore[arg-type]

    assert [s.skill_id for s in served["c1"]] == ["skill/sql"]
    (sql,) = served["c1"]
    assert sql.confidence == 0.5  # the scorer's calibrated confidence, not raised
    assert sql.evidence.startswith("title is the skill's name; title (1.00)")


def test_nothing_under_the_threshold_is_served_otherwise() -> None:
    assert served_alignments([_candidate(0, named=False)], MODEL, SKILLS) == {}  # type: ignore[arg-type]
