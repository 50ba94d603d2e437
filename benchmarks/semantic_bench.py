"""Semantic engine benchmark: encoders, index search, index build, HTTP latency, cold start, memory.

Writes benchmarks/results/semantic.json. Everything is measured in this one run on this machine, with
the serving configuration (one thread per numeric pool) unless a line says otherwise.

``python benchmarks/semantic_bench.py --serving-only LABEL`` measures only the HTTP part (cold start,
latencies, RSS) against the configured database and models (``CREDPATH_DATABASE_URL``,
``CREDPATH_MODELS_DIR``, built beforehand) and writes ``results/semantic_serving_LABEL.json``: how two
versions of the code compare on the same artifacts, minutes instead of a full rebuild.
"""

import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from credpath.config import Settings
from credpath.indexes import index_dir
from credpath.ml.encoder import OnnxEncoder, TorchEncoder
from credpath.ml.export import encoder_weights, ensure_onnx
from credpath.ml.index import VectorIndex
from credpath.ml.tuning import tuned_model_dir
from credpath.pipeline.build import batch_encoder, build_all
from credpath.pipeline.indexing import build_index
from credpath.pipeline.ingest import ingest_catalog, ingest_default
from credpath.storage.db import create_db_engine, migrate

RESULTS = Path(__file__).resolve().parent / "results" / "semantic.json"
DATA_DIR = Path(os.environ.get("CREDPATH_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "datasets"))
SHORT = ["manage a small team", "SQL", "forklift driving", "customer service", "German", "payroll", "welding", "Python"]
LONG = [
    "Assign and manage staff tasks in areas such as scoring, arranging, copying music and vocal coaching, and make "
    "sure that every member of the team knows the schedule, the budget and the standards expected of them.",
] * 8


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def _encoders(models_dir: Path) -> dict[str, object]:
    artifact = ensure_onnx(models_dir)
    out: dict[str, object] = {}
    backends = {
        "onnx-int8": lambda t: OnnxEncoder(models_dir / "encoder" / "minilm.int8.onnx", threads=t),
        "onnx-fp32": lambda t: OnnxEncoder(models_dir / "encoder" / "minilm.fp32.onnx", backend="onnx-fp32", threads=t),
        "torch": lambda t: TorchEncoder(model_dir=encoder_weights(models_dir)[0]),
    }
    import torch

    for name, make in backends.items():
        torch.set_num_threads(1)
        single = make(1)
        single.encode(["warm up"])
        latencies = []
        for i in range(200):
            started = time.perf_counter()
            single.encode([SHORT[i % len(SHORT)] + f" {i}"])
            latencies.append((time.perf_counter() - started) * 1000)
        torch.set_num_threads(2)
        batch = make(2)
        texts = [f"{SHORT[i % len(SHORT)]} {i}" for i in range(2048)]
        started = time.perf_counter()
        batch.encode(texts)
        short_rate = len(texts) / (time.perf_counter() - started)
        long_texts = [f"{LONG[0]} {i}" for i in range(256)]
        started = time.perf_counter()
        batch.encode(long_texts)
        long_rate = len(long_texts) / (time.perf_counter() - started)
        out[name] = {
            "single_short_text_ms": {"p50": _pct(latencies, 50), "p99": _pct(latencies, 99)},
            "short_texts_per_s_2_threads": short_rate,
            "long_texts_per_s_2_threads": long_rate,
        }
        print(name, out[name], flush=True)
    out["serving_backend"] = artifact.backend
    out["int8_min_cosine_vs_torch"] = artifact.int8_min_cosine
    return out


def _search(models_dir: Path) -> dict[str, object]:
    encoder = OnnxEncoder(models_dir / "encoder" / "minilm.int8.onnx", threads=1)
    out: dict[str, object] = {}
    for name in ("skills", "occupations"):
        ann = VectorIndex.load(index_dir(models_dir, name))
        exact = VectorIndex.load(index_dir(models_dir, name), mmap=False, with_ann=False)
        queries = encoder.encode([f"{SHORT[i % len(SHORT)]} {i}" for i in range(300)])
        timings: dict[str, list[float]] = {"exact": [], "hnsw": []}
        overlap = []
        for query in queries:
            for label, index in (("exact", exact), ("hnsw", ann)):
                started = time.perf_counter()
                result = index.search(query[None, :], 10)
                timings[label].append((time.perf_counter() - started) * 1000)
                if label == "exact":
                    truth = set(result.ids[0])
                else:
                    overlap.append(len(truth & set(result.ids[0])) / 10)
        out[name] = {
            "vectors": exact.manifest.n_vectors if exact.manifest else None,
            "exact_ms_p50": _pct(timings["exact"], 50),
            "hnsw_ms_p50": _pct(timings["hnsw"], 50),
            "hnsw_recall_at_10_vs_exact": float(np.mean(overlap)),
        }
        print(name, out[name], flush=True)
    return out


BENCH_KEY = "benchmark-admin-key-" + "0" * 32


def _serve(database_url: str, models_dir: Path, port: int) -> tuple[subprocess.Popen[bytes], float]:
    env = {
        **os.environ,
        "CREDPATH_DATABASE_URL": database_url,
        "CREDPATH_MODELS_DIR": str(models_dir),
        "CREDPATH_PORT": str(port),
        "CREDPATH_LOG_LEVEL": "WARNING",
        # A known admin key for the stored-learner requests, and no rate limit in the way of the load.
        "CREDPATH_BOOTSTRAP_ADMIN_KEY": BENCH_KEY,
        "CREDPATH_ADMIN_KEY_FILE": str(models_dir / "bench-admin.key"),
        "CREDPATH_RATE_LIMIT_PER_MINUTE": "1000000",
    }
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "credpath.cli", "serve"], env=env)
    deadline = started + 120
    while time.perf_counter() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return process, time.perf_counter() - started
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("server did not start")


def _rss_mb(pid: int) -> dict[str, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = {
        line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM"))
    }
    return {"rss_mb": int(fields["VmRSS"]) / 1024, "peak_rss_mb": int(fields["VmHWM"]) / 1024}


def _http(database_url: str, models_dir: Path, port: int = 8765) -> dict[str, object]:
    process, cold = _serve(database_url, models_dir, port)
    out: dict[str, object] = {"cold_start_to_healthy_s": cold, "after_start": _rss_mb(process.pid)}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for _ in range(20):
                client.post("/v1/skills/match", json={"texts": ["warm up"], "top_k": 10})
            for size, requests in ((1, 500), (32, 60)):
                latencies = []
                for i in range(requests):
                    texts = [f"{SHORT[(i + j) % len(SHORT)]} {i}-{j}" for j in range(size)]
                    started = time.perf_counter()
                    response = client.post("/v1/skills/match", json={"texts": texts, "top_k": 10})
                    latencies.append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
                out[f"skills_match_{size}_texts_ms"] = {
                    "p50": _pct(latencies, 50),
                    "p99": _pct(latencies, 99),
                    "n": requests,
                }
                print(size, out[f"skills_match_{size}_texts_ms"], flush=True)
            latencies = []
            for i in range(200):
                started = time.perf_counter()
                client.post(
                    "/v1/occupations/match", json={"titles": [f"senior nurse {i}"], "top_k": 10}
                ).raise_for_status()
                latencies.append((time.perf_counter() - started) * 1000)
            out["occupations_match_1_title_ms"] = {"p50": _pct(latencies, 50), "p99": _pct(latencies, 99), "n": 200}
            # A stored learner with a few data skills asks for a pathway to ESCO "data analyst".
            analyst = client.get("/v1/occupations", params={"q": "data analyst", "taxonomy": "esco"}).json()["items"][0]
            sql = client.get("/v1/skills", params={"q": "SQL"}).json()["items"][0]["id"]
            # Matching is a public read; the stored learner needs a key (one authenticated lookup per request).
            auth = {"Authorization": f"Bearer {BENCH_KEY}"}
            learner = client.post(
                "/v1/learners", json={"skills": [sql], "text": "statistics and Excel"}, headers=auth
            ).json()["id"]
            body = {"learner_id": learner, "target": {"occupation_id": analyst["id"]}}
            for _ in range(5):
                client.post("/v1/recommendations", json=body, headers=auth).raise_for_status()
            latencies = []
            for _ in range(200):
                started = time.perf_counter()
                client.post("/v1/recommendations", json=body, headers=auth).raise_for_status()
                latencies.append((time.perf_counter() - started) * 1000)
            out["recommendations_stored_learner_ms"] = {
                "p50": _pct(latencies, 50),
                "p99": _pct(latencies, 99),
                "n": 200,
            }
            print("recommendations", out["recommendations_stored_learner_ms"], flush=True)
        out["after_load"] = _rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return out


def main() -> None:
    """Run every measurement and write the results file."""
    work = Path(tempfile.mkdtemp(prefix="credpath-sem-bench-"))
    database_url = f"sqlite:///{work / 'bench.db'}"
    engine = create_db_engine(database_url)
    migrate(engine)
    ingest_default(engine, DATA_DIR)
    models_dir = work / "models"
    results: dict[str, object] = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    # Measure the shipped configuration: the fine-tuned encoder when `credpath tune` has made one (its
    # training time is recorded in its tuning.json and reported beside the build time).
    tuned = tuned_model_dir(Settings().models_dir)
    if (tuned / "tuning.json").is_file():
        shutil.copytree(tuned, tuned_model_dir(models_dir))
        results["tuning"] = json.loads((tuned / "tuning.json").read_text(encoding="utf-8"))
    results["weights"] = encoder_weights(models_dir)[1]

    started = time.perf_counter()
    reports = build_all(engine, models_dir)
    results["index_build_from_scratch"] = {
        "seconds_total_incl_onnx_export_and_alignment": time.perf_counter() - started,
        "indexes": {
            r.name: {"seconds": r.seconds, "vectors": r.n_vectors, "embedded": r.n_vectors - r.reused} for r in reports
        },
    }
    print(results["index_build_from_scratch"], flush=True)

    # Edit one credential through the same path a portal uses (a catalogue re-import), then rebuild.
    catalog = work / "one_edit.csv"
    catalog.write_text("id,title,provider,skills\nedit-1,SQL for Analysts,Bench Academy,SQL\n", encoding="utf-8")
    ingest_catalog(engine, catalog, "csv", source="bench")
    encoder = batch_encoder(models_dir)
    first = build_index(engine, models_dir, "credentials", encoder)
    catalog.write_text("id,title,provider,skills\nedit-1,SQL for Data Analysts,Bench Academy,SQL\n", encoding="utf-8")
    ingest_catalog(engine, catalog, "csv", source="bench")
    second = build_index(engine, models_dir, "credentials", encoder)
    results["incremental_credential_edit"] = {
        "add_one": {"embedded": first.embedded, "reused": first.reused, "seconds": first.seconds},
        "edit_one": {"embedded": second.embedded, "reused": second.reused, "seconds": second.seconds},
    }
    print(results["incremental_credential_edit"], flush=True)
    build_all(engine, models_dir)

    results["encoders"] = _encoders(models_dir)
    results["search"] = _search(models_dir)
    results["http"] = _http(database_url, models_dir)
    results["benchmark_process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {RESULTS}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serving_only(label: str) -> None:
    """Only the HTTP measurements, against the configured (already built) database and models."""
    settings = Settings()
    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg_at_start": os.getloadavg()},
        "label": label,
        "http": _http(settings.database_url, settings.models_dir, _free_port()),
        "load_avg_at_end": os.getloadavg(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    path = RESULTS.with_name(f"semantic_serving_{label}.json")
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serving-only":
        serving_only(sys.argv[2])
    else:
        main()
