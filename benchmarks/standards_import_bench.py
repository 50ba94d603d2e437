"""Open-standard imports with built models: what the free text links to, and what linking at import costs.

Imports the OB 3.0 and CTDL samples (``data/samples/``) through ``POST /v1/catalog/imports`` as one issuer
into a copy of an existing SQLite database with its models directory (what ``make run`` builds), and
records, per credential, each ESCO skill with its source (declared or inferred), confidence and evidence.
Timings: the first import (parse, the scorer's facts read, the encoder, the write), a re-import of the
unchanged document (nothing is encoded), and the same first import with linking off (no models) for
comparison. Writes benchmarks/results/standards_import.json.
"""

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from credpath.api import create_app
from credpath.config import Settings, repository_root
from credpath.storage.db import create_db_engine, migrate

RESULTS = Path(__file__).resolve().parent / "results" / "standards_import.json"
SAMPLES = repository_root() / "data" / "samples"
DOCUMENTS = (("ob3", SAMPLES / "ob3" / "achievements.json"), ("ctdl", SAMPLES / "ctdl" / "catalogue.json"))
ADMIN_KEY = "bench-admin-key-" + "0123456789abcdef" * 2


def _client(database: Path, models_dir: Path, folder: Path) -> TestClient:  # type: ignore[type-arg]
    settings = Settings(
        database_url=f"sqlite:///{database}",
        models_dir=models_dir,
        bootstrap_admin_key=ADMIN_KEY,
        admin_key_file=folder / "admin.key",
        rate_limit_per_minute=1_000_000,
    )
    return TestClient(create_app(settings))


def _issuer(client: TestClient, name: str) -> dict[str, str]:  # type: ignore[type-arg]
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    org = client.post("/v1/orgs", json={"name": name, "kind": "issuer"}, headers=admin).json()
    key = client.post(f"/v1/orgs/{org['id']}/keys", json={"scopes": ["catalog:write"]}, headers=admin).json()
    return {"Authorization": f"Bearer {key['key']}"}


def _import(client: TestClient, key: dict[str, str], fmt: str, document: Any) -> tuple[dict[str, Any], float]:  # type: ignore[type-arg]
    started = time.perf_counter()
    response = client.post("/v1/catalog/imports", params={"format": fmt}, json=document, headers=key)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body, elapsed


def main() -> None:
    """Run the benchmark and write its JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=repository_root() / "data" / "credpath.db")
    parser.add_argument("--models-dir", type=Path, default=repository_root() / "models")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    out: dict[str, Any] = {"documents": {}}
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "credpath.db"
        shutil.copyfile(args.database, database)
        engine = create_db_engine(f"sqlite:///{database}")
        migrate(engine)
        engine.dispose()
        with _client(database, args.models_dir, Path(folder)) as client:
            for fmt, path in DOCUMENTS:
                document = json.loads(path.read_text(encoding="utf-8"))
                first, first_ms = [], []
                for repeat in range(args.repeats):
                    body, elapsed = _import(client, _issuer(client, f"{fmt} issuer {repeat}"), fmt, document)
                    first.append(body)
                    first_ms.append(elapsed)
                key = _issuer(client, f"{fmt} re-importer")
                _import(client, key, fmt, document)
                again_ms = [_import(client, key, fmt, document)[1] for _ in range(args.repeats)]
                out["documents"][path.name] = {
                    "format": fmt,
                    "linking": first[0]["linking"],
                    "first_import_ms_p50": round(statistics.median(first_ms), 1),
                    "unchanged_reimport_ms_p50": round(statistics.median(again_ms), 1),
                    "credentials": [
                        {
                            "title": c["title"],
                            "competencies": c["competencies"],
                            "skills": [
                                {k: s[k] for k in ("skill_id", "label", "source", "confidence", "evidence")}
                                for s in c["skills"]
                            ],
                        }
                        for c in first[0]["credentials"]
                    ],
                }
        with _client(database, Path(folder) / "no-models", Path(folder)) as client:
            for fmt, path in DOCUMENTS:
                document = json.loads(path.read_text(encoding="utf-8"))
                pending_ms = [
                    _import(client, _issuer(client, f"{fmt} pending {repeat}"), fmt, document)[1]
                    for repeat in range(args.repeats)
                ]
                out["documents"][path.name]["first_import_without_models_ms_p50"] = round(
                    statistics.median(pending_ms), 1
                )
    inferred = [
        s for d in out["documents"].values() for c in d["credentials"] for s in c["skills"] if s["source"] == "inferred"
    ]
    out["inferred_links"] = len(inferred)
    out["inferred_confidences"] = sorted(s["confidence"] for s in inferred)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in out.items() if k != "documents"}, indent=2))


if __name__ == "__main__":
    main()
