"""Check the hand-labelled dev sets in this folder against ESCO v1.1.1 (stdlib only).

Usage: ``python3 data/eval/validate_sets.py [ESCO_CLASSIFICATION_DIR]``; the folder holding
``skills_en.csv(.gz)`` and ``occupations_en.csv(.gz)`` defaults to
``/work/shared/datasets/esco_v1.1.1/classification_en`` (or ``$ESCO_DIR``).

Checks, over the base and ``*_extra`` files: one JSON object per line with exactly the expected keys;
ids unique across all files; every gold URI exists in ESCO with that exact preferred label and
appears once per item; no text or title repeated (case- and space-insensitive) within or across
files; sentences with no skills are boilerplate (``"skills": []``). Exits 1 on any problem.
"""

import csv
import gzip
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_ESCO = Path(os.environ.get("ESCO_DIR", "/work/shared/datasets/esco_v1.1.1/classification_en"))
SETS = {  # file -> (text key, gold key, ESCO table, expected keys)
    "job_ad_sentences.jsonl": ("text", "skills", "skills", ["id", "text", "skills", "sector"]),
    "job_ad_sentences_extra.jsonl": ("text", "skills", "skills", ["id", "text", "skills", "sector"]),
    "vacancy_titles.jsonl": ("title", "occupations", "occupations", ["id", "title", "occupations"]),
    "vacancy_titles_extra.jsonl": ("title", "occupations", "occupations", ["id", "title", "occupations"]),
}


def esco_labels(folder: Path, name: str) -> dict[str, str]:
    """Map conceptUri -> preferredLabel for ``{name}_en.csv`` (plain or gzipped)."""
    path = folder / f"{name}_en.csv.gz"
    if not path.exists():
        path = folder / f"{name}_en.csv"
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return {row["conceptUri"]: row["preferredLabel"] for row in csv.DictReader(handle)}


def norm(text: str) -> str:
    """Case- and whitespace-insensitive form of a text, for duplicate detection."""
    return " ".join(text.lower().split())


def check(folder: Path) -> list[str]:
    """All problems found in the sets of this folder."""
    tables = {"skills": esco_labels(folder, "skills"), "occupations": esco_labels(folder, "occupations")}
    problems: list[str] = []
    ids: dict[str, str] = {}
    texts: dict[str, str] = {}
    for name, (text_key, gold_key, table, keys) in SETS.items():
        path = HERE / name
        if not path.exists():
            problems.append(f"{name}: missing")
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{name}:{n}"
            try:
                item = json.loads(line)
            except json.JSONDecodeError as err:
                problems.append(f"{where}: not JSON ({err})")
                continue
            if not isinstance(item, dict) or list(item) != keys:
                problems.append(f"{where}: keys {list(item) if isinstance(item, dict) else item!r} != {keys}")
                continue
            if item["id"] in ids:
                problems.append(f"{where}: id {item['id']} already used in {ids[item['id']]}")
            ids[item["id"]] = where
            key = norm(item[text_key])
            if key in texts:
                problems.append(f"{where}: {text_key} duplicates {texts[key]}")
            texts[key] = where
            gold = item[gold_key]
            if gold_key == "occupations" and not gold:
                problems.append(f"{where}: no gold occupation")
            uris = [g.get("uri") for g in gold]
            if len(set(uris)) != len(uris):
                problems.append(f"{where}: repeated gold URI")
            for g in gold:
                if list(g) != ["uri", "label"]:
                    problems.append(f"{where}: gold entry keys {list(g)}")
                elif g["uri"] not in tables[table]:
                    problems.append(f"{where}: unknown {table} URI {g['uri']}")
                elif tables[table][g["uri"]] != g["label"]:
                    problems.append(f"{where}: label {g['label']!r} != ESCO {tables[table][g['uri']]!r}")
    return problems


def main() -> int:
    """Validate and report; 0 when clean."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_ESCO
    problems = check(folder)
    for problem in problems:
        sys.stdout.write(problem + "\n")
    sys.stdout.write(f"{len(problems)} problem(s) in {', '.join(SETS)}\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
