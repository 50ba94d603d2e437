"""Persona benchmark: learners as people describe themselves, each pathway step judged by an adviser.

Every persona in ``data/eval/personas.jsonl`` (a self-description, a target title as they would type it,
the languages they study in, their level, a budget) goes through ``POST /v1/recommendations`` — the path a
portal takes. Each recommended step is looked up in ``data/eval/persona_judgments.jsonl`` (relevant /
weak / wrong, judged blind by reading the credential against the person's real goal) by persona and
offering (a step that is one of the adviser's own picks for that person, ``good_credentials``, counts as
relevant); steps nobody has judged yet are counted and listed, never guessed. The persona file also says
whether an adviser would recommend anything at all (``should_abstain``), so abstentions are scored too.

Writes ``benchmarks/results/personas.json`` (and ``--unjudged FILE``: the steps still to judge).

``--personas data/eval/personas_holdout.jsonl --output benchmarks/results/personas_holdout.json`` runs the
held-out learners instead: written by advisers who never saw credpath's answers, after every constant of the
planner had been chosen on the first file, so their figures say how far the first file's carry over.

Run: ``python benchmarks/personas.py`` (uses ``CREDPATH_DATABASE_URL`` / ``CREDPATH_MODELS_DIR``).
"""

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from litestar.testing import TestClient

from credpath.api import create_app
from credpath.config import Settings

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "data" / "eval"
RESULTS = Path(__file__).resolve().parent / "results" / "personas.json"


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main() -> None:
    """Run every persona and score the pathways against the judgements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--personas", type=Path, default=EVAL / "personas.jsonl", help="learners to run (JSONL)")
    parser.add_argument("--unjudged", type=Path, default=None, help="write steps with no judgement here (JSONL)")
    parser.add_argument(
        "--typed-titles",
        action="store_true",
        help="target the title as the persona typed it (the whole user path, title linking included)",
    )
    args = parser.parse_args()
    personas = _read(args.personas)
    # Every judgement counts, including two of one offering listed under two ids (found by either id).
    judged = _read(EVAL / "persona_judgments.jsonl")
    judged_ids = {(j["persona"], j["credential_id"]): j for j in judged}
    verdicts: Counter[str] = Counter()
    abstention: Counter[str] = Counter()
    rows, unjudged = [], []
    titles_resolved = 0
    planned_for_adviser_occupation = 0
    asked: Counter[str] = Counter()
    started = time.perf_counter()
    with TestClient(create_app(Settings())) as client:
        for persona in personas:
            # By default the adviser's occupation, so the benchmark judges recommendations, not title linking
            # (which it reports on its own: ``title_resolved``); --typed-titles takes the path a user takes.
            target = (
                {"title": persona["target"]["title"]} if args.typed_titles else {"occupation_id": persona["esco_uri"]}
            )
            body = {
                "learner": {"text": persona["text"], "languages": persona["languages"], "level": persona["level"]},
                "target": target,
                "constraints": persona["constraints"],
            }
            resolved = client.post(
                "/v1/occupations/match", json={"titles": [persona["target"]["title"]], "top_k": 1, "taxonomy": "esco"}
            ).json()["results"][0]["matches"][0]["occupation_id"]
            titles_resolved += resolved == persona["esco_uri"]
            response = client.post("/v1/recommendations", json=body)
            if response.status_code == 422 and "candidates" in response.json():
                # A typed title no occupation matches with confidence: the person is asked which one they meant.
                candidates = response.json()["candidates"]
                asked["asked"] += 1
                asked["adviser_occupation_among_candidates"] += persona["esco_uri"] in {
                    c["occupation_id"] for c in candidates
                }
                rows.append(
                    {
                        "persona": persona["id"],
                        "target": target,
                        "asked_which_of": [c["label"] for c in candidates],
                        "steps": [],
                        "adviser_picks_found": 0,
                        "message": response.json()["detail"],
                    }
                )
                continue
            response.raise_for_status()
            data = response.json()
            # --typed-titles: the title as the recommendation resolved it, the learner's text helping choose.
            planned_for_adviser_occupation += data["target"]["occupation_id"] == persona["esco_uri"]
            steps = data["pathway"]["steps"]
            keys = {c["id"] for c in persona["good_credentials"]} | {
                e for c in persona["good_credentials"] for e in c.get("equivalent_ids", [])
            }
            step_rows = []
            for step in steps:
                found = judged_ids.get((persona["id"], step["credential_id"]))
                if found is None:
                    found = next(
                        (j for j in judged if j["persona"] == persona["id"] and j["title"] == step["title"]),
                        None,
                    )
                if found is None and step["credential_id"] in keys:
                    # The adviser named this credential for this person before any run: judged relevant.
                    found = {"verdict": "relevant"}
                verdict = found["verdict"] if found else "unjudged"
                verdicts[verdict] += 1
                if found is None:
                    unjudged.append(
                        {"persona": persona["id"], "credential_id": step["credential_id"], "title": step["title"]}
                    )
                step_rows.append({"credential_id": step["credential_id"], "title": step["title"], "verdict": verdict})
            abstained = not steps
            if persona["should_abstain"]:
                abstention["right_abstain" if abstained else "should_have_abstained"] += 1
            else:
                abstention["wrong_abstain" if abstained else "answered"] += 1
            rows.append(
                {
                    "persona": persona["id"],
                    "target": target,
                    "resolved": data["target"]["label"],
                    "steps": step_rows,
                    "adviser_picks_found": sum(1 for s in steps if s["credential_id"] in keys),
                    "message": data["pathway"]["message"],
                }
            )
    judged_steps = sum(verdicts[v] for v in ("relevant", "weak", "wrong"))
    total = max(judged_steps, 1)
    summary = {
        "personas": len(personas),
        "steps": sum(verdicts.values()),
        "judged_steps": judged_steps,
        "unjudged_steps": verdicts["unjudged"],
        "relevant_share": round(verdicts["relevant"] / total, 4),
        "weak_share": round(verdicts["weak"] / total, 4),
        "wrong_share": round(verdicts["wrong"] / total, 4),
        "abstention": dict(abstention),
        # --typed-titles: titles matched with too little confidence to plan for; the person is asked instead.
        "asked_which_occupation": dict(asked),
        "adviser_picks_found": sum(r["adviser_picks_found"] for r in rows),
        # The title alone (/v1/occupations/match), and the occupation the pathway was planned for.
        "title_resolved_to_adviser_occupation": titles_resolved,
        "planned_for_adviser_occupation": planned_for_adviser_occupation,
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"summary": summary, "personas": rows}, indent=2) + "\n", encoding="utf-8")
    if args.unjudged is not None:
        args.unjudged.write_text("".join(json.dumps(u) + "\n" for u in unjudged), encoding="utf-8")
    print(json.dumps(summary, indent=2))
    if verdicts["unjudged"]:
        print(f"{verdicts['unjudged']} step(s) have no judgement yet", file=sys.stderr)


if __name__ == "__main__":
    main()
