"""Public, human-annotated job-ad sentence sets, read for ``credpath eval-public DIR``.

The sets are those of Decorte et al.'s skill-extraction benchmark (TECH, HOUSE, TECHWOLF: job-ad
sentences whose skill spans annotators labelled with ESCO skills). Their CSV has one row per annotated span
(``sentence,span,sub_span,label``); a folder may hold those files as published or one JSON line per sentence
(``{"sentence": ..., "labels": [...]}``). Either way the labels are ESCO preferred labels, mapped here to this
bundle's skill ids. credpath ships none of these sets (the benchmark states no licence), and never trains on
them: an operator points the command at a folder of them to measure linking from outside.
"""

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["NOT_A_SKILL", "PublicSet", "label_ids", "read_public_set", "read_public_sets"]

# What annotators wrote when a span names no ESCO skill; such spans add no gold skill.
NOT_A_SKILL = frozenset({"LABEL NOT PRESENT", "UNDERSPECIFIED"})


@dataclass(frozen=True, slots=True)
class PublicSet:
    """One set: the sentences with at least one gold skill, and what could not be used."""

    name: str
    sentences: list[str]
    gold: list[set[str]]
    # Sentences whose spans name no ESCO skill: left out, as the benchmark scores only labelled ones.
    without_skill: int = 0
    # Labels no skill of this bundle carries as its preferred label (ESCO versions rename a few).
    unknown_labels: list[str] = field(default_factory=list)


def label_ids(preferred: Mapping[str, str]) -> dict[str, str]:
    """Preferred label → skill id, by exact label and by its lower case (exact wins).

    Example:
        >>> label_ids({"s1": "SQL", "s2": "sql"})["sql"]
        's2'
        >>> label_ids({"s1": "SQL"})["sql"]
        's1'
    """
    out = {label.lower(): skill for skill, label in preferred.items()}
    out |= {label: skill for skill, label in preferred.items()}
    return out


def _labels_by_sentence(path: Path) -> dict[str, list[str]]:
    by_sentence: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        if path.suffix == ".csv":
            for row in csv.DictReader(handle):
                by_sentence.setdefault(row["sentence"], []).append(row["label"])
        else:
            for line in handle:
                if line.strip():
                    item = json.loads(line)
                    by_sentence.setdefault(item["sentence"], []).extend(item["labels"])
    return by_sentence


def read_public_set(path: Path, ids: Mapping[str, str]) -> PublicSet:
    """Read one set (CSV as published, or JSON lines), its labels mapped with ``ids`` (see ``label_ids``)."""
    sentences: list[str] = []
    gold: list[set[str]] = []
    without, unknown = 0, []
    for sentence, labels in _labels_by_sentence(path).items():
        skills = set()
        # Labels are stripped: two published ones carry a trailing space ("plan ").
        for label in dict.fromkeys(label.strip() for label in labels):
            if label in NOT_A_SKILL:
                continue
            skill = ids.get(label) or ids.get(label.lower())
            if skill is None:
                unknown.append(label)
            else:
                skills.add(skill)
        if skills:
            sentences.append(sentence)
            gold.append(skills)
        else:
            without += 1
    return PublicSet(path.stem, sentences, gold, without, sorted(set(unknown)))


def read_public_sets(directory: Path, ids: Mapping[str, str]) -> list[PublicSet]:
    """Every ``*.csv`` and ``*.jsonl`` set in ``directory``, by file name."""
    files = sorted([*directory.glob("*.csv"), *directory.glob("*.jsonl")])
    return [read_public_set(path, ids) for path in files]
