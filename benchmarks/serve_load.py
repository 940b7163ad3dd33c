"""Benchmark `make serve` under a bounded load on 127.0.0.1, before and after micro-batching.

Trains the penguins fixture project once per model kind: linear (logistic regression), booster
(HistGradientBoosting) and ensemble (linear + HistGradientBoosting, soft voting: the model
`make train` saves when the blend wins, fitted here from the members' settings, since on these
265 rows a blend wins only at some seeds). LightGBM and an ensemble of two boosters
("lightgbm", "boosters") can be added with ``--models``.

Each model is served twice, side by side: "after" is this engine; "before" is the same engine
with the service's code (serving/, the serve stage, artifacts.py) taken from the commit before
micro-batching (``--baseline REV`` picks another revision), where each request predicted on its
own worker thread. The two services take turns run by run, so before and after meet the same
moment of the machine. Each gets one client, then 8 concurrent clients, for ``--seconds`` each,
with one-record bodies (``--bodies 1,100`` adds 100-record batches); ``--rounds N`` repeats
each setting N times, taking turns, and pools each service's latencies (for a busy machine,
where the load changes within a minute). Clients are threads holding
one keep-alive connection each and sending the next request as soon as the answer arrives (a
closed loop: the load is bounded by the clients, never queued without limit). Train and serve
run in the caller's environment, as a user's make does (nothing sets OMP_NUM_THREADS here).

Prints a markdown table: requests/s, p50/p99 latency and errors, before and after, their ratios
and whether the goals hold, and the machine's load average at the start and the end (another
job on the machine shows there).

    python benchmarks/serve_load.py                    # ~8 minutes with training
    python benchmarks/serve_load.py --seconds 10 --models linear,ensemble
    python benchmarks/serve_load.py --seconds 3 --rounds 10 --baseline HEAD~1   # a busy machine
"""

import argparse
import contextlib
import http.client
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock

import joblib
import pandas as pd

TEMPLATE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TEMPLATE / "tests"))
sys.path.insert(0, str(TEMPLATE / "scripts"))

from service import client_records, server_pid, serving  # noqa: E402

from conftest import render  # noqa: E402
from kaggle_fixtures import build_competition  # noqa: E402

GOALS = "one client p50 ≤ 20 ms and p99 ≤ 100 ms (one record); 8 clients: no errors, p99 ≤ 250 ms"
SINGLE = ("linear", "hist_gradient_boosting", "lightgbm")
BLENDS = {  # name: members and weights, as `make train` saves a blend
    "ensemble": {"linear": 0.5, "hist_gradient_boosting": 0.5},
    "boosters": {"hist_gradient_boosting": 0.5, "lightgbm": 0.5},
}


def make(project: Path, *targets: str, **env: str) -> None:
    """make in the project with this interpreter, in the caller's environment."""
    result = subprocess.run(
        ["make", "--no-print-directory", *targets, f"PYTHON={sys.executable}"],
        cwd=project,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"make {' '.join(targets)} failed:\n{result.stdout}\n{result.stderr}")


def trained_projects(out: Path, names: list[str]) -> dict[str, Path]:
    """One trained copy of the penguins project per model name (singles first: blends refit
    their members' settings)."""
    source = build_competition("multiclass", out / "penguins-data")
    base = render(out, data_source="local", dataset=str(source), project_name="Palmer Penguins")
    make(base, "data")
    wanted = {m for name in names for m in BLENDS.get(name, {name: 1})}
    projects = {}
    for name in [m for m in SINGLE if m in wanted]:
        projects[name] = shutil.copytree(base, out / name, symlinks=True)
        _choose(projects[name], name)
        make(projects[name], "train")
    for name in [n for n in names if n in BLENDS]:
        first = next(iter(BLENDS[name]))
        projects[name] = shutil.copytree(projects[first], out / name, symlinks=True)
        blend(projects[name], {m: projects[m] for m in BLENDS[name]}, BLENDS[name])
    return {name: projects[name] for name in names}


def _choose(project: Path, model: str) -> None:
    """config.yaml's train.models set to the dummy and ``model``, without a blend."""
    config = project / "config.yaml"
    text = re.sub(r"(?m)^  models: .*$", f"  models: [dummy, {model}]", config.read_text())
    config.write_text(re.sub(r"(?m)^  ensemble: true", "  ensemble: false", text))


def blend(project: Path, members: dict[str, Path], weights: dict[str, float]) -> None:
    """Refit the members' pipelines as one soft-voting ensemble behind the user step, exactly
    the model `make train` saves when a blend wins, and write its model card."""
    from sklearn.base import clone
    from sklearn.ensemble import VotingClassifier
    from sklearn.pipeline import Pipeline

    from kaggle_starter.files import sha256_file, write_json

    sys.path.insert(0, str(project / "src"))  # the user step imports the owner's package
    fitted = {name: joblib.load(path / "models" / "model.joblib") for name, path in members.items()}
    card = json.loads((project / "models" / "model_card.json").read_text())
    train = pd.read_parquet(project / "data" / "processed" / "train.parquet")
    cores = [(name, model.steps[-1][1]) for name, model in fitted.items()]
    voting = VotingClassifier(cores, voting="soft", weights=list(weights.values()))
    user = next(iter(fitted.values())).steps[0][1]
    model = clone(Pipeline([("user", user), ("model", voting)]))
    model.fit(train[card["inputs"]], train[card["target"]])
    path = project / "models" / "model.joblib"
    joblib.dump(model, path)
    card.update(model="ensemble", estimator="VotingClassifier", members=weights)
    write_json(project / "models" / "model_card.json", {**card, "model_sha256": sha256_file(path)})


SERVICE = ("serving", "stages/serve.py", "artifacts.py")  # the service's code in the engine


def engine_at(revision: str, out: Path) -> Path:
    """This engine with the service's code as it was at a git revision, under ``out``; the
    folder to put on PYTHONPATH. Only the service is taken from there: the rest (config,
    training) must read the projects this engine renders and trains."""
    import kaggle_starter

    package = out / "src" / "kaggle_starter"
    shutil.copytree(Path(kaggle_starter.__file__).parent, package)
    shutil.rmtree(package / "serving")
    paths = [f"src/kaggle_starter/{name}" for name in SERVICE]
    archive = subprocess.run(
        ["git", "-C", str(TEMPLATE), "archive", revision, *paths], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(out, filter="data")
    return out / "src"


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


def load(port: int, bodies: list[bytes], clients: int, seconds: float) -> tuple[list, list, float]:
    """(latencies of the answered requests, of the failed ones, seconds elapsed) of one run."""
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
    return latencies, errors, time.perf_counter() - started


def summary(latencies: list[float], errors: list[float], elapsed: float) -> dict:
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return {
        "requests": len(latencies) + len(errors),
        "rps": (len(latencies) + len(errors)) / elapsed,
        "p50": cuts[49] * 1000,
        "p99": cuts[98] * 1000,
        "errors": len(errors),
    }


def started(stack: contextlib.ExitStack, project: Path, log: Path, engine: Path | None):
    """`make serve` of ``project`` (with another engine's sources when given) kept running until
    ``stack`` closes; (port, server pid)."""
    extra = {"PYTHONPATH": str(engine)} if engine else {}
    with mock.patch.dict(os.environ, extra):  # read when make starts
        url, process = stack.enter_context(serving(project, log))
    return int(url.rsplit(":", 1)[1]), server_pid(process.pid)


def measure(
    projects: dict[str, Path], out: Path, seconds: float, sizes: list[int], rounds: int = 1
) -> dict[str, list]:
    """For each served project: (body size, clients, load result, RSS before, RSS after) of
    each setting. The services run side by side and take turns, ``rounds`` times per setting
    (each run ``seconds`` long, the order reversed every other round) with each service's
    latencies pooled over its runs, so before and after meet the same moments of the machine
    even when other work on it comes and goes."""
    records = client_records(next(iter(projects.values()))[0])
    one = [json.dumps(r).encode() for r in records]
    batches = {
        size: [
            json.dumps([records[(i + j) % len(records)] for j in range(size)]).encode()
            for i in range(0, len(records), 7)
        ]
        for size in sizes
        if size > 1
    }
    rows = {label: [] for label in projects}
    out.mkdir(exist_ok=True)
    with contextlib.ExitStack() as stack:
        servers = {
            label: started(stack, project, out / f"{label}.log", engine)
            for label, (project, engine) in projects.items()
        }
        for port, _ in servers.values():
            load(port, one, 1, min(2.0, seconds))  # warm-up: first-call caches, the log
        for size in sizes:
            bodies = one if size == 1 else batches[size]
            for clients in (1, 8):
                rss = {label: rss_mib(pid) for label, (_, pid) in servers.items()}
                pooled = {label: ([], [], 0.0) for label in servers}
                for turn in range(rounds):
                    order = list(servers.items())
                    for label, (port, _) in order[::-1] if turn % 2 else order:
                        latencies, errors, elapsed = load(port, bodies, clients, seconds)
                        done = pooled[label]
                        pooled[label] = (done[0] + latencies, done[1] + errors, done[2] + elapsed)
                for label, (_, pid) in servers.items():
                    result = summary(*pooled[label])
                    rows[label].append((size, clients, result, rss[label], rss_mib(pid)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each load run")
    parser.add_argument(
        "--workdir", help="keep the trained projects here; ones already trained there are reused"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="turns per setting, latencies pooled (a busy machine)"
    )
    parser.add_argument("--baseline", help="the service's code for 'before' (a git revision)")
    parser.add_argument("--models", default="linear,hist_gradient_boosting,ensemble")
    parser.add_argument("--bodies", default="1", help="records per request, e.g. 1,100")
    args = parser.parse_args()
    args.baseline = args.baseline or before_batching()
    names = [n for n in args.models.split(",") if n != "lightgbm" or _installed("lightgbm")]
    sizes = [int(n) for n in args.bodies.split(",")]
    load_average = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.workdir or tmp)
        shutil.rmtree(out / "baseline", ignore_errors=True)
        engine = engine_at(args.baseline, out / "baseline")
        results = {}
        for name, project in (reused(out, names) or trained_projects(out, names)).items():
            copy = out / f"{name}-before"  # its own log
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(project, copy, symlinks=True)
            served = {"before": (copy, engine), "after": (project, None)}
            rows = measure(served, out / f"{name}-logs", args.seconds, sizes, args.rounds)
            results[name] = (rows["before"], rows["after"])
        print_table(results, args, (load_average, os.getloadavg()[0]))
    return 0


def reused(out: Path, names: list[str]) -> dict[str, Path] | None:
    """The projects a previous run with the same ``--workdir`` trained, if all are there."""
    found = {name: out / name for name in names}
    if all((path / "models" / "model.joblib").is_file() for path in found.values()):
        return found
    return None


def before_batching() -> str:
    """The commit before the one that added micro-batching (serving/batcher.py)."""
    added = subprocess.run(
        ["git", "-C", str(TEMPLATE), "log", "--diff-filter=A", "--format=%H", "--",
         "src/kaggle_starter/serving/batcher.py"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    if not added:
        raise SystemExit("serving/batcher.py is not committed: give --baseline REV.")
    return f"{added[-1]}^"


def _installed(module: str) -> bool:
    with contextlib.suppress(ImportError):
        __import__(module)
        return True
    return False


KINDS = {"linear": "linear", "hist_gradient_boosting": "booster (HGB)", "ensemble": "ensemble"}


def print_table(results: dict, args, load_average: tuple[float, float]) -> None:
    """The markdown table, one line per model, body and number of clients."""
    print(
        f"Services: the penguins fixture project, one trained copy per model; "
        f"{args.seconds:g} s per run, {args.rounds} turn(s) each, latencies pooled; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {load_average[0]:.1f} at the start and "
        f"{load_average[1]:.1f} at the end; before = the service at {args.baseline}."
    )
    print(f"Goals: {GOALS}.\n")
    print(
        "| model | body | clients | before: req/s | p50 | p99 | errors | after: req/s | p50 "
        "| p99 | errors | req/s after ÷ before | p99 before ÷ after | goals (after) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, (before, after) in results.items():
        for (size, clients, b, _, _), (_, _, a, _, _) in zip(before, after, strict=True):
            print(_line(KINDS.get(name, name), size, clients, b, a))


def _line(name: str, size: int, clients: int, before: dict, after: dict) -> str:
    body = "1 record" if size == 1 else f"{size} records"

    def cells(r: dict) -> str:
        return f"{r['rps']:.0f} | {r['p50']:.1f} ms | {r['p99']:.1f} ms | {r['errors']}"

    return (
        f"| {name} | {body} | {clients} | {cells(before)} | {cells(after)} "
        f"| {after['rps'] / before['rps']:.1f}x | {before['p99'] / after['p99']:.1f}x "
        f"| {_goals(clients, after) if size == 1 else '—'} |"
    )


def _goals(clients: int, r: dict) -> str:
    if clients == 1:
        met = r["p50"] <= 20 and r["p99"] <= 100
    else:
        met = r["errors"] == 0 and r["p99"] <= 250
    return "met" if met else "missed"


if __name__ == "__main__":
    sys.exit(main())
