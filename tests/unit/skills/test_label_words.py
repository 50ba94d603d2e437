"""Word TF-IDF over each item's labels: what it scores, and which labels it holds."""

import numpy as np

from credpath.ml.index import text_hashes
from credpath.skills.label_words import LabelWords


def test_a_rare_shared_word_scores_higher_than_a_common_one() -> None:
    words = LabelWords(["operate forklift", "manage a team", "manage staff", "manage budgets", "issue licences"])
    # "operate forklift" and "manage a team" each share one word of the text; "manage" is on three labels.
    scores = words.scores("manage the forklift", np.arange(5))
    assert scores[0] > scores[1] > 0.0
    assert scores[4] == 0.0
    # Stop words and case do not count.
    assert words.scores("The FORKLIFT", np.array([0]))[0] == words.scores("forklift", np.array([0]))[0]


def test_words_of_three_characters_or_more_count_symbols_included() -> None:
    words = LabelWords(["C++", "C#", "ML (computer programming)", "machine learning"])
    assert words.scores("we write C++ daily", np.arange(4)).argmax() == 0
    # Two-character tokens are not words: "ML" in "ML engineering" must not pull the ML language forward (the
    # name lexicon and the encoder read such acronyms).
    assert words.scores("move into ML engineering", np.arange(4)).tolist() == [0.0, 0.0, 0.0, 0.0]


def test_only_labels_the_index_embeds_are_an_items_words() -> None:
    # Item 0 embeds "operate forklift"; its alternative label "drive a lift truck" was held out of this index.
    held = ["operate forklift", "issue licences"]
    words = LabelWords.from_index(
        ["operate forklift", "drive a lift truck", "issue licences"], text_hashes(held), np.array([0, 1])
    )
    assert words.scores("lift truck", np.array([0, 1])).tolist() == [0.0, 0.0]
    assert words.scores("operate a forklift", np.array([0]))[0] > 0.5
    assert len(words) == 2


def test_an_index_without_labels_scores_nothing() -> None:
    words = LabelWords.from_index([], np.zeros(0, np.uint64), np.zeros(0, np.int64))
    assert len(words) == 0
    assert words.scores("anything", np.array([], dtype=np.int64)).tolist() == []
