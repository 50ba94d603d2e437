"""The linker's bounds on one call's work: a budget of texts to encode, and a stop check between chunks."""

import pytest

from credpath.errors import AbandonedError, LimitExceededError
from credpath.skills.linking import ENCODE_CHUNK
from tests.unit.skills.test_linking import ENCODER, _linker

MANY = ", ".join(f"sql{i} excel" for i in range(300))


class CountingEncoder:
    """The keyword encoder, counting the texts it is asked to encode."""

    name, backend, dim = ENCODER.name, ENCODER.backend, ENCODER.dim

    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, texts, batch_size: int = 64):  # type: ignore[no-untyped-def]
        self.encoded += len(texts)
        return ENCODER.encode(texts, batch_size)


def test_more_texts_than_the_budget_are_refused_before_any_encoding() -> None:
    linker = _linker()
    linker.encoder = counting = CountingEncoder()
    with pytest.raises(LimitExceededError, match="at most 100"):
        linker.extract(MANY, 0.5, max_texts=100)
    with pytest.raises(LimitExceededError, match="at most 100"):
        linker.rank([MANY], 3, max_texts=100)
    assert counting.encoded == 0
    assert linker.extract(MANY, 0.5, max_texts=1_000)


@pytest.mark.parametrize("method", ["rank", "extract"])
def test_work_stops_at_the_next_chunk_once_the_caller_has_gone(method: str) -> None:
    linker = _linker()
    linker.encoder = counting = CountingEncoder()
    asked = []

    def gone_after_two_chunks() -> bool:
        asked.append(True)
        return len(asked) > 2

    work = {
        "rank": lambda: linker.rank([MANY], 3, should_stop=gone_after_two_chunks),
        "extract": lambda: linker.extract(MANY, 0.5, should_stop=gone_after_two_chunks),
    }[method]
    with pytest.raises(AbandonedError, match="went away"):
        work()
    assert counting.encoded == 2 * ENCODE_CHUNK


def test_without_a_stop_the_answer_is_the_same_in_chunks() -> None:
    linker = _linker()
    whole = linker.rank([MANY], 3)
    chunked = linker.rank([MANY], 3, should_stop=lambda: False)
    assert [items.tolist() for items, _ in whole] == [items.tolist() for items, _ in chunked]
