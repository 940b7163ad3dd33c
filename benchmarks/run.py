"""Benchmarks: render time, and wall time and peak memory of every stage on three data sizes.

Prints markdown tables. Stage times are also given as multiples of one plain ``pandas.read_csv``
of the same train file, so runs on different machines compare. Data: the Titanic and House Prices
copies in ../shared/datasets when present (else the test fixtures), and a table of about 1.3
million rows x 15 columns built here from real data repeated with noise.

    python benchmarks/run.py                       # everything
    python benchmarks/run.py --data titanic --stages data train
    python benchmarks/run.py --data wide --stages data profile      # the 10,000 x 200 profile
    python benchmarks/run.py --data digits --renders 1   # Digit Recognizer's shape, goal 15 min
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]
SHARED = TEMPLATE.parent / "shared" / "datasets"
sys.path.insert(0, str(TEMPLATE / "tests"))

from kaggle_fixtures import build_competition  # noqa: E402

STAGES = ("data", "profile", "eda", "train", "interpret", "predict", "report")
BIG_ROWS = 1_300_000


def render(out: Path, **answers) -> Path:
    answers.setdefault("bootstrap", False)
    return Path(
        cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(out), extra_context=answers)
    )


def render_times(n: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as out:
        for i in range(n):
            started = time.perf_counter()
            render(Path(out) / str(i))
            times.append(time.perf_counter() - started)
    return times


def big_table(dest: Path) -> Path:
    """~1.3 M rows x 15 columns: California housing (or a fixture) repeated with noise."""
    dest.mkdir(parents=True, exist_ok=True)
    housing = SHARED / "california-housing" / "housing.csv"
    if housing.is_file():
        base = pd.read_csv(housing)
        target = "median_house_value"
    else:
        base = pd.read_csv(build_competition("regression", dest / "seed") / "train.csv")
        target = "progression"
    rng = np.random.default_rng(0)
    reps = -(-BIG_ROWS // len(base))
    frame = pd.concat([base] * reps, ignore_index=True).iloc[:BIG_ROWS].copy()
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and c != target]
    for column in numeric:
        scale = frame[column].std() * 0.02
        frame[column] = frame[column] + rng.normal(0, scale, len(frame))
    while frame.shape[1] < 15:
        frame[f"noise_{frame.shape[1]}"] = rng.normal(size=len(frame))
    frame.insert(0, "row_id", np.arange(len(frame)))
    test_mask = rng.random(len(frame)) < 0.2
    frame[~test_mask].to_csv(dest / "train.csv", index=False)
    frame[test_mask].drop(columns=[target]).to_csv(dest / "test.csv", index=False)
    pd.DataFrame({"row_id": frame.loc[test_mask, "row_id"], target: 0.0}).to_csv(
        dest / "sample_submission.csv", index=False
    )
    return dest


def wide_table(dest: Path) -> Path:
    """10,000 rows x 200 columns (150 numeric, 50 categorical) with a binary target."""
    dest.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    rows = 10_000
    numeric = rng.normal(size=(rows, 150))
    frame = pd.DataFrame(numeric, columns=[f"x{i:03d}" for i in range(150)])
    for i in range(50):
        frame[f"c{i:02d}"] = rng.choice(list("abcdefgh"), rows)
    frame["target"] = (numeric[:, :5].sum(axis=1) + rng.normal(size=rows) > 0).astype(int)
    frame.insert(0, "id", np.arange(rows))
    frame.to_csv(dest / "train.csv", index=False)
    return dest


DIGITS_ROWS = (42_000, 28_000)  # Digit Recognizer's train and test rows
DIGITS_GOAL_SECONDS = 15 * 60  # `make all` on two cores


def digits_table(dest: Path) -> Path:
    """Digit Recognizer's shape: 42,000 x 784 pixels (0-255) and a label, 28,000 test rows.

    scikit-learn's 8 x 8 digits upsampled to 28 x 28, shifted by up to two pixels and noised, so
    the rows differ; laid out as the competition's files (no id column in test, a sample
    submission numbering the rows ImageId 1..28,000 with a Label column).
    """
    from scipy.ndimage import shift, zoom
    from sklearn.datasets import load_digits

    dest.mkdir(parents=True, exist_ok=True)
    digits = load_digits()
    rng = np.random.default_rng(0)
    picked = rng.integers(0, len(digits.images), sum(DIGITS_ROWS))
    images = np.stack([zoom(image, 3.5, order=1) for image in digits.images])[picked] * (255 / 16)
    moves = rng.integers(-2, 3, size=(len(picked), 2))
    images = np.stack(
        [shift(image, move, order=0) for image, move in zip(images, moves, strict=True)]
    )
    images += rng.normal(0, 25, images.shape)
    images[images < 40] = 0
    pixels = np.clip(images, 0, 255).round().astype(np.int16).reshape(len(picked), 784)
    columns = [f"pixel{i}" for i in range(784)]
    train = pd.DataFrame(pixels[: DIGITS_ROWS[0]], columns=columns)
    train.insert(0, "label", digits.target[picked[: DIGITS_ROWS[0]]])
    train.to_csv(dest / "train.csv", index=False)
    pd.DataFrame(pixels[DIGITS_ROWS[0] :], columns=columns).to_csv(dest / "test.csv", index=False)
    ids = np.arange(1, DIGITS_ROWS[1] + 1)
    pd.DataFrame({"ImageId": ids, "Label": 0}).to_csv(dest / "sample_submission.csv", index=False)
    return dest


def sources(names: list[str], scratch: Path) -> dict[str, Path]:
    found = {}
    for name in names:
        if name == "big":
            found[f"{BIG_ROWS / 1e6:.1f}M rows"] = big_table(scratch / "big")
            continue
        if name == "wide":
            found["10,000 x 200"] = wide_table(scratch / "wide")
            continue
        if name == "digits":
            found["42,000 x 784"] = digits_table(scratch / "digit-recognizer")
            continue
        folder = {
            "titanic": "titanic",
            "house-prices": "house-prices-advanced-regression-techniques",
        }[name]
        if (SHARED / folder).is_dir():
            found[name] = SHARED / folder
        else:
            kind = "binary" if name == "titanic" else "regression"
            found[f"{name} (fixture)"] = build_competition(kind, scratch / name)
    return found


def run_stage(project: Path, stage: str) -> tuple[float, float | None, int]:
    """Wall seconds, peak resident MiB and exit code of one stage in its own process.

    The peak comes from GNU time, which starts the stage itself: a child forked from this
    (large) process would count this process's memory as its own peak.
    """
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "OMP_NUM_THREADS": "2"}
    command = [sys.executable, "-m", "kaggle_starter", stage]
    with tempfile.NamedTemporaryFile("r") as peak_file:
        if shutil.which("time") or Path("/usr/bin/time").exists():
            command = ["/usr/bin/time", "-f", "%M", "-o", peak_file.name, *command]
        started = time.perf_counter()
        result = subprocess.run(
            command,
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        elapsed = time.perf_counter() - started
        lines = peak_file.read().split()
    if result.returncode != 0:
        print(f"  {stage} failed: {result.stderr[-500:]}", file=sys.stderr)
    peak = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else None
    return elapsed, peak, result.returncode


def pandas_read_seconds(train_csv: Path) -> float:
    started = time.perf_counter()
    pd.read_csv(train_csv)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        nargs="+",
        default=["titanic", "house-prices", "big"],
        choices=["titanic", "house-prices", "big", "wide", "digits"],
    )
    parser.add_argument("--stages", nargs="+", default=list(STAGES), choices=STAGES)
    parser.add_argument("--renders", type=int, default=7)
    args = parser.parse_args()

    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, pandas {pd.__version__}\n"
    )
    times = render_times(args.renders)
    print("| render | median s | min s | max s |\n|---|---|---|---|")
    print(
        f"| {args.renders} renders | {statistics.median(times):.3f} | {min(times):.3f} | "
        f"{max(times):.3f} |\n"
    )

    scratch = Path(tempfile.mkdtemp(prefix="kaggle-starter-bench-"))
    try:
        print(
            "| data | stage | wall s | x pandas read | peak MiB | ok |\n|---|---|---|---|---|---|"
        )
        for label, source in sources(args.data, scratch).items():
            project = render(
                scratch / "projects" / label.replace(" ", "-"),
                data_source="local",
                dataset=str(source),
                project_name=f"Bench {label}".replace(".", " "),
            )
            read = pandas_read_seconds(source / "train.csv")
            total = 0.0
            for stage in args.stages:
                seconds, peak, code = run_stage(project, stage)
                total += seconds
                print(
                    f"| {label} | {stage} | {seconds:.1f} | {seconds / read:,.0f} | "
                    f"{peak:,.0f} | {'yes' if code == 0 else 'NO'} |",
                    flush=True,
                )
            print(f"| {label} | **total** | {total:.1f} | {total / read:,.0f} | | |", flush=True)
            if label == "42,000 x 784":
                met = "met" if total <= DIGITS_GOAL_SECONDS else "MISSED"
                print(f"\nGoal: `make all` on Digit Recognizer's shape <= 15 min: {met}.\n")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
