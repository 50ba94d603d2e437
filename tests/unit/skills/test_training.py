"""Training pairs from the taxonomy: held-out items, templates, combinations, decorated titles."""

from credpath.skills.training import HOLDOUT_PERCENT, combination_pairs, is_held_out, occupation_pairs, skill_pairs

SKILLS = [
    {
        "id": f"skill-{i}",
        "preferred_label": f"operate machine {i}",
        "alt_labels": [f"run machine {i}", f"use machine {i}", f"operate machine {i}".upper()],
        "description": f"Operate machine number {i} safely.",
        "skill_type": "knowledge" if i % 2 else "skill/competence",
    }
    for i in range(200)
]


def test_held_out_share_is_stable_and_close_to_the_percentage() -> None:
    ids = [f"http://data.europa.eu/esco/skill/{i}" for i in range(5000)]
    share = sum(map(is_held_out, ids)) / len(ids)
    assert abs(share - HOLDOUT_PERCENT / 100) < 0.02
    assert [is_held_out(i) for i in ids[:50]] == [is_held_out(i) for i in ids[:50]]


def test_skill_pairs_skip_held_out_skills_and_never_pair_a_label_with_itself() -> None:
    pairs = skill_pairs(SKILLS, {"skill-3": ["baker"]})
    positives = {p.positive for p in pairs}
    held = {s["preferred_label"] for s in SKILLS if is_held_out(s["id"])}
    assert held
    assert not positives & held
    assert all(p.query.casefold() != p.positive.casefold() for p in pairs)
    kinds = {p.source for p in pairs}
    assert {"alt_label", "description", "template"} <= kinds
    # Templates put the label inside ad wording rather than returning it bare.
    template = next(p for p in pairs if p.source == "template")
    assert template.query != template.positive
    assert len(template.query.split()) > 3
    if not is_held_out("skill-3"):
        assert any(p.source == "role" and "baker" in p.query for p in pairs)


def test_combination_sentences_are_paired_with_every_skill_they_name() -> None:
    profiles = {f"occ-{i}": [f"skill-{j}" for j in range(i, i + 12)] for i in range(0, 150, 10)}
    pairs = combination_pairs(SKILLS, profiles)
    assert pairs
    by_sentence: dict[str, set[str]] = {}
    for pair in pairs:
        by_sentence.setdefault(pair.query, set()).add(pair.positive)
    labels = {s["preferred_label"]: s for s in SKILLS}
    for sentence, positives in by_sentence.items():
        assert len(positives) >= 2
        for positive in positives:
            row = labels[positive]
            # The sentence names the skill by one of its labels.
            names = [label.split(" (")[0].casefold() for label in [positive, *row["alt_labels"]]]
            assert any(name in sentence.casefold() for name in names)
            assert not is_held_out(row["id"])


def test_occupation_pairs_include_decorated_titles() -> None:
    rows = [
        {"id": f"occ-{i}", "preferred_label": f"welder {i}", "alt_labels": [f"welding hand {i}"]} for i in range(50)
    ]
    pairs = occupation_pairs(rows)
    assert any(p.source == "decorated_title" for p in pairs)
    assert all(not is_held_out(f"occ-{p.positive.split()[-1]}") for p in pairs)
