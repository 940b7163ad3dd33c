"""Benchmark `make serve` under a bounded load on 127.0.0.1: latency, throughput, errors, memory.

Trains the penguins fixture project (or uses ``--project``, e.g. ``demo/palmer-penguins`` after
`make demo`), starts its service on a free port and sends, for one record and for 100-record
batches, first one client then 8 concurrent clients for ``--seconds`` each. Clients are threads
holding one keep-alive connection each and sending the next request as soon as the answer
arrives (a closed loop: the load is bounded by the clients, never queued without limit).

Prints a markdown table: requests/s, p50/p99 latency, errors, and the server's resident memory
(VmRSS from /proc) before and after each run; latencies are also given as multiples of a
reference measured in the same run, the model's own ``predict_proba`` on the same rows inside
this process, so machines compare and the cost of HTTP, validation and logging is visible.

    python benchmarks/serve_load.py                    # ~2 minutes of load after training
    python benchmarks/serve_load.py --seconds 5 --project demo/palmer-penguins
"""

import argparse
import http.client
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import joblib
import pandas as pd

TEMPLATE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TEMPLATE / "tests"))
sys.path.insert(0, str(TEMPLATE / "scripts"))

from service import client_records, server_pid, serving  # noqa: E402

from conftest import make, render  # noqa: E402
from kaggle_fixtures import build_competition  # noqa: E402

BATCH = 100
GOALS = "one client p50 ≤ 20 ms and p99 ≤ 100 ms (one record); 8 clients: no errors, p99 ≤ 250 ms"


def trained_project(out: Path) -> Path:
    source = build_competition("multiclass", out / "penguins-data")
    project = render(out, data_source="local", dataset=str(source), project_name="Palmer Penguins")
    for stage in ("data", "train"):
        result = make(project, stage)
        if result.returncode:
            raise SystemExit(f"make {stage} failed:\n{result.stdout}\n{result.stderr}")
    return project


def rss_mib(pid: int | None) -> float | None:
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def client(port: int, bodies: list[bytes], until: float, latencies: list, errors: list) -> None:
    """One keep-alive connection sending the next body as soon as the answer is read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    i = 0
    while time.perf_counter() < until:
        body = bodies[i % len(bodies)]
        i += 1
        started = time.perf_counter()
        try:
            connection.request("POST", "/predict", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        (latencies if ok else errors).append(time.perf_counter() - started)
    connection.close()


def load(port: int, bodies: list[bytes], clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[float] = []
    until = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=client, args=(port, bodies, until, latencies, errors))
        for _ in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return {
        "requests": len(latencies) + len(errors),
        "rps": (len(latencies) + len(errors)) / elapsed,
        "p50": cuts[49] * 1000,
        "p99": cuts[98] * 1000,
        "errors": len(errors),
    }


def reference_ms(project: Path, rows: int, repeats: int = 200) -> float:
    """Median wall time of the saved pipeline's predict_proba on ``rows`` test rows, in ms."""
    sys.path.insert(0, str(project / "src"))  # the pickle's features step imports the owner's code
    model = joblib.load(project / "models" / "model.joblib")
    test = pd.read_parquet(project / "data" / "processed" / "test.parquet")
    predict = getattr(model, "predict_proba", model.predict)  # a regressor has no probabilities
    frame = pd.concat([test] * (rows // len(test) + 1), ignore_index=True).iloc[:rows]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        predict(frame)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, help="a trained project (default: train one)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each load run")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with tempfile.TemporaryDirectory() as tmp:
        project = args.project.resolve() if args.project else trained_project(Path(tmp))
        records = client_records(project)
        one = [json.dumps(r).encode() for r in records]
        batch = [
            json.dumps([records[(i + j) % len(records)] for j in range(BATCH)]).encode()
            for i in range(0, len(records), 7)
        ]
        reference = {1: reference_ms(project, 1), BATCH: reference_ms(project, BATCH)}
        rows = []
        with serving(project, Path(tmp) / "serve.log") as (url, process):
            port = int(url.rsplit(":", 1)[1])
            pid = server_pid(process.pid)
            load(port, one, 1, min(2.0, args.seconds))  # warm-up: first-call caches, the log
            for size, bodies in ((1, one), (BATCH, batch)):
                for clients in (1, 8):
                    before = rss_mib(pid)
                    result = load(port, bodies, clients, args.seconds)
                    rows.append((size, clients, result, before, rss_mib(pid)))
        print_table(project, rows, reference, args.seconds)
    return 0


def print_table(project: Path, rows: list, reference: dict, seconds: float) -> None:
    card = json.loads((project / "models" / "model_card.json").read_text())
    print(
        f"Service: {card['model']} ({card['estimator']}) on {project.name}; {seconds:.0f} s per "
        f"run; {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}."
    )
    print(
        f"Reference: the pipeline's own predict_proba in-process, {reference[1]:.2f} ms for one "
        f"row, {reference[BATCH]:.2f} ms for {BATCH} rows. Goals: {GOALS}.\n"
    )
    columns = [
        "body",
        "clients",
        "requests/s",
        "p50",
        "p99",
        "p50 / ref.",
        "errors",
        "RSS before → after",
    ]
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|---|---|")
    for size, clients, r, before, after in rows:
        body = "1 record" if size == 1 else f"{size} records"
        memory = f"{before:.0f} → {after:.0f} MiB" if before and after else "—"  # before → after
        print(
            f"| {body} | {clients} | {r['rps']:.0f} | {r['p50']:.1f} ms | {r['p99']:.1f} ms | "
            f"{r['p50'] / reference[size]:.1f}x | {r['errors']} | {memory} |"
        )


if __name__ == "__main__":
    sys.exit(main())
