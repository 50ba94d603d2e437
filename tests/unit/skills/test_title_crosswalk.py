"""Typed titles O*NET has word for word and ESCO lacks, read through the crosswalk (``skills.title_crosswalk``)."""

from credpath.skills.title_crosswalk import CROSSWALK_MARGIN, TitleCrosswalk, crosswalk_order, verbatim_key

ROWS = [
    ("e-care", "esco", "nurse responsible for general care", ["general nurse"]),
    ("e-specialist", "esco", "specialist nurse", []),
    ("e-assistant", "esco", "nurse assistant", ["healthcare assistant"]),
    ("e-event", "esco", "event manager", ["events manager"]),
    ("29-1141.00", "onet", "Registered Nurses", ["Staff Nurse", "Healthcare Assistant"]),
    ("13-1121.00", "onet", "Meeting, Convention, and Event Planners", ["Event Planner"]),
    ("99-9999.00", "onet", "Unmapped Workers", ["Odd Job Person"]),
]
PAIRS = [("e-care", "29-1141.00"), ("e-specialist", "29-1141.00"), ("e-event", "13-1121.00")]


def test_an_onet_title_names_the_esco_occupations_the_crosswalk_maps_it_onto() -> None:
    walk = TitleCrosswalk.build(ROWS, PAIRS)
    assert walk.esco_for("Staff Nurse") == {"e-care": "29-1141.00", "e-specialist": "29-1141.00"}
    # O*NET's plural occupation title, singular as people type it; case and parentheses do not matter.
    assert walk.esco_for("registered nurse (RN)") == walk.esco_for("Staff Nurse")
    assert walk.esco_for("Event Planner") == {"e-event": "13-1121.00"}


def test_a_title_esco_has_word_for_word_is_left_to_esco() -> None:
    walk = TitleCrosswalk.build(ROWS, PAIRS)
    # O*NET lists it too, but ESCO's own label decides.
    assert walk.esco_for("Healthcare Assistant") == {}
    assert walk.esco_for("nurse assistant") == {}


def test_titles_without_a_crosswalk_row_or_unknown_to_onet_give_nothing() -> None:
    walk = TitleCrosswalk.build(ROWS, PAIRS)
    assert walk.esco_for("Odd Job Person") == {}
    assert walk.esco_for("Nurse") == {}
    assert walk.esco_for("") == {}
    assert len(TitleCrosswalk()) == 0


def test_the_favoured_occupations_go_first_only_near_the_best_match() -> None:
    ids = ["assistant", "care", "specialist", "far"]
    scores = [0.78, 0.776, 0.70, 0.5]
    favoured = {"care": "o", "specialist": "o", "far": "o"}
    order, promoted = crosswalk_order(ids, scores, favoured)
    # "specialist" is 0.08 under the best (within the margin); "far" is not, so it keeps its place.
    assert [ids[i] for i in order] == ["care", "specialist", "assistant", "far"]
    assert promoted == 2
    edge = [0.8, 0.8 - CROSSWALK_MARGIN - 0.001]
    assert crosswalk_order(["a", "b"], edge, {"b": "o"}) == ([0, 1], 0)
    assert crosswalk_order(["a", "b"], [0.8, 0.7], {}) == ([0, 1], 0)
    assert crosswalk_order([], [], {"a": "o"}) == ([], 0)


def test_verbatim_keys_compare_words_only() -> None:
    assert verbatim_key("Reach-Truck  Operator!") == "reach truck operator"
    assert verbatim_key("C++ Developer") == "c++ developer"
