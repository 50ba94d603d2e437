"""Occupation titles that read as another occupation count less (``stray_title_weights``)."""

import numpy as np
import numpy.typing as npt

from credpath.skills.representations import STRAY_MARGIN, STRAY_WEIGHT, WEIGHTS, ItemText, stray_title_weights
from credpath.vocabulary import is_esco_id

ESCO = "http://data.europa.eu/esco/occupation/"


def _unit(*angles: float) -> npt.NDArray[np.float32]:
    return np.array([[np.cos(a), np.sin(a)] for a in angles], dtype=np.float32)


def _weights(texts: list[ItemText]) -> npt.NDArray[np.float32]:
    return np.array([t.weight for t in texts], dtype=np.float32)


def test_an_alternative_title_nearer_another_occupation_is_down_weighted_and_a_near_one_is_not() -> None:
    texts = [
        ItemText(f"{ESCO}writer", "technical communicator", "title"),
        ItemText(f"{ESCO}writer", "technical writer", "alternate_title"),
        ItemText(f"{ESCO}writer", "user experience designer", "alternate_title"),
        ItemText(f"{ESCO}designer", "user interface designer", "title"),
    ]
    # writer's title at 0 rad, designer's at 1.2 rad; "technical writer" near its own, "ux designer" near the other.
    vectors = _unit(0.0, 0.1, 1.1, 1.2)
    out = stray_title_weights(texts, vectors, _weights(texts), in_scope=is_esco_id)
    assert out.tolist()[:2] == [1.0, np.float32(WEIGHTS["alternate_title"])]
    assert out[2] == np.float32(STRAY_WEIGHT)
    assert out[3] == 1.0


def test_a_title_only_slightly_nearer_another_occupation_keeps_its_weight() -> None:
    texts = [
        ItemText(f"{ESCO}a", "a", "title"),
        ItemText(f"{ESCO}a", "between", "alternate_title"),
        ItemText(f"{ESCO}b", "b", "title"),
    ]
    vectors = _unit(0.0, 0.64, 1.2)
    nearer_by = float(vectors[1] @ vectors[2] - vectors[1] @ vectors[0])
    assert 0 < nearer_by < STRAY_MARGIN  # nearer b, but by less than the margin
    out = stray_title_weights(texts, vectors, _weights(texts), in_scope=is_esco_id)
    assert out[1] == np.float32(WEIGHTS["alternate_title"])


def test_onet_alternate_titles_are_left_alone_and_not_compared_with() -> None:
    texts = [
        ItemText("15-1254.00", "Web Developers", "title"),
        ItemText("15-1254.00", "user experience designer", "alternate_title"),
        ItemText(f"{ESCO}designer", "user interface designer", "title"),
        ItemText(f"{ESCO}dev", "web developer", "title"),
        ItemText(f"{ESCO}dev", "site builder", "alternate_title"),
    ]
    # "site builder" is nearest the O*NET title, which is out of scope, so nothing is stray.
    vectors = _unit(0.0, 1.2, 1.2, 0.5, 0.05)
    out = stray_title_weights(texts, vectors, _weights(texts), in_scope=is_esco_id)
    assert out[1] == np.float32(WEIGHTS["alternate_title"])
    assert out[4] == np.float32(WEIGHTS["alternate_title"])
