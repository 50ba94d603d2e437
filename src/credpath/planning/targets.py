"""Which occupation a typed job title means, when the title reads alike to several.

A typed title often matches several occupations closely ("Gas Engineer": petroleum engineer 0.975, gas service
technician 0.904); the learner's own text says which they mean. Among the candidates scoring at least the
caller's floor and within :data:`TITLE_CONTEXT_MARGIN` of the best, the one with the highest title score plus
:data:`TITLE_CONTEXT_WEIGHT` x the cosine between the learner's text and its title is taken. Chosen on the 63
persona titles (adviser's occupation 45 -> 49, none lost; margins 0.05-0.3 and weights 0.2-0.7 gave 48-51, none
lost); the 20 held-out titles, written later by other advisers, went 14 -> 15 for every such pair.
"""

from collections.abc import Sequence

__all__ = ["TITLE_CONTEXT_MARGIN", "TITLE_CONTEXT_WEIGHT", "choose_title", "close_titles"]

TITLE_CONTEXT_MARGIN = 0.1
TITLE_CONTEXT_WEIGHT = 0.3


def close_titles(scores: Sequence[float], floor: float) -> list[int]:
    """Positions of the title matches close enough to the best (``scores`` best first) for the text to choose.

    Example:
        >>> close_titles([0.975, 0.904, 0.86, 0.7], floor=0.65)
        [0, 1]
        >>> close_titles([0.67, 0.64], floor=0.65)
        [0]
    """
    if not scores:
        return []
    lowest = max(floor, scores[0] - TITLE_CONTEXT_MARGIN)
    return [i for i, score in enumerate(scores) if score >= lowest]


def choose_title(scores: Sequence[float], nearness: Sequence[float]) -> int:
    """Position of the match with the highest title score + :data:`TITLE_CONTEXT_WEIGHT` x the text's nearness.

    ``scores`` and ``nearness`` are parallel (the candidates :func:`close_titles` kept); ties go to the first.

    Example:
        >>> choose_title([0.975, 0.904], [0.12, 0.41])  # the text is about gas boilers, not oil wells
        1
        >>> choose_title([0.975, 0.904], [0.30, 0.41])
        0
    """
    values = [score + TITLE_CONTEXT_WEIGHT * near for score, near in zip(scores, nearness, strict=True)]
    return max(range(len(values)), key=lambda i: (values[i], -i))
