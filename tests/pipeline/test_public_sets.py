"""Public sentence sets (``credpath eval-public``): read as published, scored as the dev sets are.

The sentences here are written for these tests in the published layout (one CSV row per annotated span);
no third-party file is copied.
"""

import json
from pathlib import Path

from click.testing import CliRunner

from credpath.cli import main
from credpath.pipeline.public_sets import label_ids, read_public_set, read_public_sets

# One row per span: a sentence repeats, a label holds a comma (quoted), spans that name no skill.
PUBLISHED_LAYOUT = """sentence,span,sub_span,label
You will write SQL queries and Python scripts .,SQL queries,,SQL
You will write SQL queries and Python scripts .,Python scripts,,Python (computer programming)
We value honesty and teamwork .,honesty,,LABEL NOT PRESENT
We value honesty and teamwork .,teamwork,,UNDERSPECIFIED
Build ETL pipelines for our warehouse .,ETL pipelines,,"data extraction, transformation and loading tools"
Build ETL pipelines for our warehouse .,warehouse,,a skill renamed in a later ESCO version
You will write SQL queries and Python scripts .,SQL queries,,sql
"""

LABELS = {
    "s-sql": "SQL",
    "s-python": "Python (computer programming)",
    "s-etl": "data extraction, transformation and loading tools",
}


def test_a_published_csv_is_grouped_by_sentence_and_its_labels_mapped(tmp_path: Path) -> None:
    path = tmp_path / "tech_test.csv"
    path.write_text(PUBLISHED_LAYOUT, encoding="utf-8")
    public = read_public_set(path, label_ids(LABELS))
    assert public.name == "tech_test"
    assert public.sentences == [
        "You will write SQL queries and Python scripts .",
        "Build ETL pipelines for our warehouse .",
    ]
    # A lower-case label finds its skill; a repeated row adds nothing.
    assert public.gold == [{"s-sql", "s-python"}, {"s-etl"}]
    assert public.without_skill == 1
    assert public.unknown_labels == ["a skill renamed in a later ESCO version"]


def test_json_lines_read_the_same_as_the_csv(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(PUBLISHED_LAYOUT, encoding="utf-8")
    rows = [
        {
            "sentence": "You will write SQL queries and Python scripts .",
            "labels": ["SQL", "Python (computer programming)"],
        },
        {"sentence": "We value honesty and teamwork .", "labels": ["LABEL NOT PRESENT", "UNDERSPECIFIED"]},
        {
            "sentence": "Build ETL pipelines for our warehouse .",
            "labels": ["data extraction, transformation and loading tools", "a skill renamed in a later ESCO version"],
        },
    ]
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    first, second = read_public_sets(tmp_path, label_ids(LABELS))
    assert (first.sentences, first.gold, first.without_skill) == (second.sentences, second.gold, second.without_skill)
    assert first.unknown_labels == second.unknown_labels


def test_eval_public_scores_baseline_and_credpath_on_each_set(
    loaded_sqlite_url: str, models_dir: Path, tmp_path: Path
) -> None:
    sets = tmp_path / "sets"
    sets.mkdir()
    (sets / "written.csv").write_text(
        "sentence,span,sub_span,label\n"
        "Strong SQL skills are a must .,SQL,,SQL\n"
        "You know Python (pandas) well .,Python,,Python (computer programming)\n"
        "Experience with Kubernetes and Docker .,Kubernetes,,LABEL NOT PRESENT\n",
        encoding="utf-8",
    )
    output = tmp_path / "public.json"
    env = {"CREDPATH_DATABASE_URL": loaded_sqlite_url, "CREDPATH_MODELS_DIR": str(models_dir)}
    # Without the baseline (which re-embeds every skill label with the plain model) the served methods alone.
    quick = CliRunner().invoke(main, ["eval-public", str(sets), "--no-baseline", "--output", str(output)], env=env)
    assert quick.exit_code == 0, quick.output
    quick_set = json.loads(output.read_text(encoding="utf-8"))["sets"]["written"]
    assert set(quick_set["methods"]) == {"+ phrases + products", "+ names", "credpath: + label words"}
    # The served lever against the method without it, paired per sentence.
    words = quick_set["words_vs_names"]["mrr"]
    assert words["low"] <= words["mean"] <= words["high"]
    assert "served_vs_baseline" not in quick_set
    result = CliRunner().invoke(main, ["eval-public", str(sets), "--output", str(output)], env=env)
    assert result.exit_code == 0, result.output
    scored = json.loads(output.read_text(encoding="utf-8"))["sets"]["written"]
    assert scored["sentences"] == 2
    assert scored["sentences_without_skill"] == 1
    assert scored["unknown_labels"] == []
    assert set(scored["methods"]) == {
        "baseline: preferred labels",
        "+ phrases + products",
        "+ names",
        "credpath: + label words",
    }
    # Both sentences name their skill verbatim: credpath as served puts it first.
    assert scored["methods"]["credpath: + label words"]["mrr"] == 1.0
    gain = scored["served_vs_baseline"]["rp@5"]
    assert gain["low"] <= gain["mean"] <= gain["high"]
    assert "written" in result.output
