"""Training pairs for fine-tuning the encoder, built from the taxonomy itself.

ESCO and O*NET already say which texts name the same thing: a skill's alternative labels and its
description name the skill its preferred label names; an occupation's alternative labels and an O*NET
occupation's alternate titles name that occupation. Job ads, however, do not write labels: they write
sentences around them ("Solid knowledge of SQL is a must", "As our new data analyst you will build
dashboards"). So some pairs put a label inside generic requirement or role wording, and pair titles
with the decorations vacancy titles carry ("(m/f/d)", "Senior", "- nights"). The templates are
written for ads in general, not for any evaluation sentence.

A fixed share of skills and occupations (chosen by a hash of the id) never appears in any pair, so
the dev sets built from ESCO's own labels can be drawn from items the model has never been tuned on.
"""

import hashlib
import random
from collections.abc import Mapping, Sequence
from typing import Any

from credpath.ml.tuning import Pair

__all__ = ["HOLDOUT_PERCENT", "combination_pairs", "is_held_out", "occupation_pairs", "skill_pairs"]

# Items whose id hashes into this percentage are kept out of training, for evaluation.
HOLDOUT_PERCENT = 10

_KNOWLEDGE_TEMPLATES = (
    "Solid knowledge of {x}.",
    "Experience with {x} is a plus.",
    "You are familiar with {x}.",
    "Good understanding of {x} is required.",
    "A background in {x} would be an advantage.",
    "Working knowledge of {x} and a willingness to learn.",
    "You bring proven expertise in {x}.",
    "Knowledge of {x} is essential for this position.",
)
_SKILL_TEMPLATES = (
    "You will {x}.",
    "Ability to {x}.",
    "In this role you {x} on a daily basis.",
    "You are able to {x} independently.",
    "Your responsibilities include the need to {x}.",
    "We are looking for someone who can {x}.",
    "Day to day, you {x} and support the wider team.",
)
_ROLE_TEMPLATES = (
    "As our new {role}, you will {x}.",
    "The {role} will {x}.",
    "We are hiring a {role} to {x}.",
)
_ROLE_KNOWLEDGE_TEMPLATES = (
    "As a {role} you need knowledge of {x}.",
    "Our {role} brings experience with {x}.",
)
# Ads name several skills per sentence; such a sentence is paired with each skill it names (never in
# the same batch), so it learns to sit near all of them rather than near one.
_COMBO_SKILL_TEMPLATES = (
    "You will {a} and {b}.",
    "Your tasks: {a}, {b} and {c}.",
    "In this role you {a}, {b} and {c}.",
    "We need someone to {a} and {b}.",
)
_COMBO_KNOWLEDGE_TEMPLATES = (
    "Solid knowledge of {a} and {b}.",
    "Experience with {a}, {b} and {c} is required.",
    "Familiarity with {a} or {b} is a plus.",
)
_COMBO_MIXED_TEMPLATES = (
    "You will {a}, drawing on your knowledge of {k}.",
    "Able to {a}; experience with {k} is an advantage.",
)
_TITLE_DECORATIONS = (
    "{x} (m/f/d)",
    "Senior {x}",
    "Junior {x}",
    "{x} - full time",
    "{x} – permanent",
    "Trainee {x}",
    "{x} (part-time)",
    "Lead {x}",
)


def is_held_out(item_id: str) -> bool:
    """Whether ``item_id`` belongs to the share kept out of training (stable across runs)."""
    digest = hashlib.sha256(item_id.encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HOLDOUT_PERCENT


def _clean(label: str) -> str:
    # "Python (computer programming)": ads write the name, not ESCO's disambiguating gloss.
    head = label.split(" (", 1)[0].strip()
    return head or label


def _alias_pairs(row: Mapping[str, Any], rng: random.Random, n: int, source: str) -> tuple[str, list[str], list[Pair]]:
    """An item's preferred label, its other labels, and up to ``n`` sampled (other label → preferred) pairs."""
    positive: str = row["preferred_label"]
    alts = [a for a in row["alt_labels"] if a.casefold() != positive.casefold()]
    return positive, alts, [Pair(alt, positive, source) for alt in rng.sample(alts, min(n, len(alts)))]


def skill_pairs(
    rows: Sequence[Mapping[str, Any]],
    roles: Mapping[str, Sequence[str]],
    *,
    alt_per_item: int = 2,
    seed: int = 13,
) -> list[Pair]:
    """Pairs whose positive is a skill's preferred label.

    Args:
        rows: skills with ``id``, ``preferred_label``, ``alt_labels``, ``description``, ``skill_type``.
        roles: skill id → labels of occupations it is essential for (for role-context sentences).
        alt_per_item: alternative labels sampled per skill.
        seed: sampling seed.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible sampling, not security
    out: list[Pair] = []
    for row in rows:
        if is_held_out(row["id"]):
            continue
        positive, alts, named = _alias_pairs(row, rng, alt_per_item, "alt_label")
        out.extend(named)
        if row.get("description"):
            lead = " ".join(row["description"].split())[:300]
            out.append(Pair(lead, positive, "description"))
        label = _clean(rng.choice([positive, *alts]))
        knowledge = row.get("skill_type") == "knowledge"
        template = rng.choice(_KNOWLEDGE_TEMPLATES if knowledge else _SKILL_TEMPLATES)
        out.append(Pair(template.format(x=label), positive, "template"))
        if roles.get(row["id"]):
            role = rng.choice(list(roles[row["id"]]))
            template = rng.choice(_ROLE_KNOWLEDGE_TEMPLATES if knowledge else _ROLE_TEMPLATES)
            out.append(Pair(template.format(role=role, x=_clean(rng.choice([positive, *alts]))), positive, "role"))
    return out


def combination_pairs(
    rows: Sequence[Mapping[str, Any]],
    profiles: Mapping[str, Sequence[str]],
    *,
    seed: int = 13,
) -> list[Pair]:
    """Sentences naming two or three skills one occupation needs together, paired with each of them.

    Args:
        rows: skills with ``id``, ``preferred_label``, ``alt_labels``, ``skill_type``.
        profiles: occupation id → ids of its essential skills.
        seed: sampling seed.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible sampling, not security
    by_id = {row["id"]: row for row in rows}
    out: list[Pair] = []

    def name(row: Mapping[str, Any]) -> str:
        return _clean(rng.choice([row["preferred_label"], *row["alt_labels"]]))

    for occupation in sorted(profiles):
        if is_held_out(occupation):
            continue
        skills = [by_id[s] for s in profiles[occupation] if s in by_id and not is_held_out(s)]
        verbs = [r for r in skills if r.get("skill_type") != "knowledge"]
        nouns = [r for r in skills if r.get("skill_type") == "knowledge"]
        choices: list[tuple[str, list[Mapping[str, Any]]]] = []
        if len(verbs) >= 3:
            choices.append((rng.choice(_COMBO_SKILL_TEMPLATES), rng.sample(verbs, 3)))
        if len(nouns) >= 3:
            choices.append((rng.choice(_COMBO_KNOWLEDGE_TEMPLATES), rng.sample(nouns, 3)))
        if verbs and nouns:
            choices.append((rng.choice(_COMBO_MIXED_TEMPLATES), [rng.choice(verbs), rng.choice(nouns)]))
        for template, picked in choices:
            # A template may name two of the three picked skills: pair the sentence only with those named.
            named = picked if "{c}" in template or "{k}" in template else picked[:2]
            names = [name(row) for row in picked]
            sentence = template.format(a=names[0], b=names[1], c=names[-1], k=names[-1])
            out.extend(Pair(sentence, row["preferred_label"], "combination") for row in named)
    return out


def occupation_pairs(rows: Sequence[Mapping[str, Any]], *, alt_per_item: int = 3, seed: int = 13) -> list[Pair]:
    """Pairs whose positive is an occupation's preferred label or O*NET title.

    Args:
        rows: occupations with ``id``, ``preferred_label``, ``alt_labels``.
        alt_per_item: alternative labels (or alternate titles) sampled per occupation.
        seed: sampling seed.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible sampling, not security
    out: list[Pair] = []
    for row in rows:
        if is_held_out(row["id"]):
            continue
        positive, alts, named = _alias_pairs(row, rng, alt_per_item, "title")
        out.extend(named)
        decorated = rng.choice(_TITLE_DECORATIONS).format(x=rng.choice([positive, *alts]))
        out.append(Pair(decorated, positive, "decorated_title"))
    return out
