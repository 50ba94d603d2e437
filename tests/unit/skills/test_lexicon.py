"""Verbatim name mentions: word boundaries, case rules, longest match, ordinary words, offsets, index hashes."""

import numpy as np

from credpath.ml.index import text_hashes
from credpath.skills.lexicon import NameLexicon, is_name, prose_words


def _lexicon(*names: str, common: set[str] | None = None) -> NameLexicon:
    return NameLexicon([(name, (row,), (row,)) for row, name in enumerate(names)], common_words=common or set())


def _found(lexicon: NameLexicon, text: str) -> list[str]:
    return [text[m.start : m.end] for m in lexicon.find(text)]


def test_names_are_found_at_word_boundaries_with_their_offsets() -> None:
    lexicon = _lexicon("SQL", "Tableau", "C", "C++", "C#", "Python")
    text = "You will write SQL queries and build dashboards in Tableau. Python is a plus."
    assert _found(lexicon, text) == ["SQL", "Tableau", "Python"]
    assert _found(lexicon, "MySQL, NoSQL and SQLite") == []
    assert _found(lexicon, "C/C++ and C# developers") == ["C", "C++", "C#"]
    assert _found(lexicon, "Pythonic code") == []


def test_short_and_all_capital_names_keep_their_case_and_longer_ones_do_not() -> None:
    lexicon = _lexicon("R", "SQL", "AWS", "Tableau", "JavaScript")
    assert _found(lexicon, "r and sql and aws") == []
    assert _found(lexicon, "R and SQL on AWS") == ["R", "SQL", "AWS"]
    assert _found(lexicon, "tableau, TABLEAU and javascript") == ["tableau", "TABLEAU", "javascript"]


def test_the_longest_of_overlapping_names_wins() -> None:
    lexicon = _lexicon("SQL", "SQL Server", "Microsoft SQL Server")
    assert _found(lexicon, "Microsoft SQL Server and SQL") == ["Microsoft SQL Server", "SQL"]
    mention = lexicon.find("SQL Server")[0]
    assert (mention.name, mention.rows, mention.items) == ("SQL Server", (1,), (1,))


def test_one_word_names_that_are_ordinary_words_are_left_out() -> None:
    lexicon = _lexicon("Chef", "Salt", "Python", "Chef Infra", common={"chef", "salt"})
    assert _found(lexicon, "Our Chef de Partie uses Salt and Python") == ["Python"]
    assert _found(lexicon, "We automate with Chef Infra") == ["Chef Infra"]


def test_offsets_hold_when_lower_casing_changes_a_character_count() -> None:
    lexicon = _lexicon("Tableau")
    text = "İstanbul team: Tableau dashboards"
    assert _found(lexicon, text) == ["Tableau"]


def test_spellings_of_one_name_share_a_key_but_keep_their_own_rows() -> None:
    lexicon = NameLexicon([("Excel", (1,), (7,)), ("EXCEL", (2,), (8,))])
    assert [(m.name, m.items) for m in lexicon.find("EXCEL")] == [("Excel", (7,))]
    assert len(lexicon) == 1


def test_the_lexicon_holds_only_names_the_index_embeds() -> None:
    texts = ["SQL", "Tableau", "manage a team", "Held Out Name", "sales"]
    embedded = ["SQL", "Tableau", "manage a team", "sales"]
    hashes = text_hashes(embedded)
    owners = np.array([0, 1, 2, 3], dtype=np.int64)
    lexicon = NameLexicon.from_index(texts, hashes, owners)
    assert [m.name for m in lexicon.find("SQL, Tableau, Held Out Name, manage a team, sales")] == ["SQL", "Tableau"]
    with_phrases = NameLexicon.from_index(texts, hashes, owners, min_words=3)
    assert [m.items for m in with_phrases.find("I manage a team")] == [(2,)]


def test_a_name_held_by_several_items_names_them_all() -> None:
    hashes = text_hashes(["SQL", "database management systems", "SQL"])
    lexicon = NameLexicon.from_index(["SQL"], hashes, np.array([0, 1, 1], dtype=np.int64))
    (mention,) = lexicon.find("SQL")
    assert mention.rows == (0, 2)
    assert mention.items == (0, 1)


def test_what_counts_as_a_name() -> None:
    assert all(is_name(x) for x in ("SQL", "Tableau", "C++", "ISO 9001", "Node.js", "Microsoft Excel"))
    assert not any(is_name(x) for x in ("sales", "forklift licence", "manage a team", ""))
    assert is_name("forklift licence", min_words=2)
    assert prose_words(["The Chef seasons food.", "salt"]) == {"seasons", "food", "salt"}


def test_an_empty_lexicon_finds_nothing() -> None:
    assert NameLexicon([]).find("SQL") == []
    assert _lexicon("SQL").find("") == []
