"""Benchmark: the edit-features loop. How long from saving features.py to a refreshed README?

Renders a project on Titanic (the copy in ../shared/datasets when present, else the binary test
fixture), runs the whole journey once (`make all`), then adds one feature to features.py (the
ratio of the first two numeric columns) and runs `NOTE=... make all` again, which redoes only
train, interpret, predict and report. Prints a markdown table with both times and their ratio,
and the time of a `make all` with nothing to do.

    python benchmarks/iteration.py [--data titanic]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]
SHARED = TEMPLATE.parent / "shared" / "datasets"
sys.path.insert(0, str(TEMPLATE / "tests"))

from kaggle_fixtures import build_competition  # noqa: E402


def source(name: str, scratch: Path) -> Path:
    shared = SHARED / name
    if shared.is_dir():
        return Path(shutil.copytree(shared, scratch / name))
    return build_competition("binary", scratch / name)


def timed_make(project: Path, *args: str, **env: str) -> float:
    started = time.perf_counter()
    command = ["make", "--no-print-directory", *args, f"PYTHON={sys.executable}"]
    subprocess.run(command, cwd=project, check=True, env={**os.environ, **env}, capture_output=True)
    return time.perf_counter() - started


def add_feature(project: Path) -> str:
    schema = json.loads((project / "data/processed/schema.json").read_text())
    first, second = [c["name"] for c in schema["columns"] if c["role"] == "numeric"][:2]
    package = next(p for p in (project / "src").iterdir() if (p / "features.py").is_file())
    path = package / "features.py"
    marker = "def add_features(frame: pd.DataFrame) -> pd.DataFrame:\n"
    head, tail = path.read_text().split(marker, 1)
    docstring_end = tail.index('"""', tail.index('"""') + 3) + 4
    body = f"    frame['benchmark_ratio'] = frame[{first!r}] / (frame[{second!r}] + 1)\n"
    path.write_text(head + marker + tail[:docstring_end] + body + tail[docstring_end:])
    return f"{first} / ({second} + 1)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="titanic")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data = source(args.data, Path(scratch))
        project = Path(
            cookiecutter(
                str(TEMPLATE),
                no_input=True,
                output_dir=str(Path(scratch) / "project"),
                extra_context={"data_source": "local", "dataset": str(data), "bootstrap": False},
            )
        )
        journey = timed_make(project, "all")
        feature = add_feature(project)
        loop = timed_make(project, "all", NOTE="benchmark feature")
        idle = timed_make(project, "all")
    print(f"| {args.data} | seconds | ratio to the journey |")
    print("|---|---|---|")
    print(f"| render → filled README (`make all`) | {journey:.1f} | 1.00 |")
    print(f"| add `{feature}` → `make all` | {loop:.1f} | {loop / journey:.2f} |")
    print(f"| `make all` with nothing changed | {idle:.2f} | {idle / journey:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
