"""`make demo`: render a project on the embedded Palmer penguins data and run its whole pipeline.

No Kaggle account and no network are needed: the data ships inside the `palmerpenguins` package
and is laid out like a Kaggle competition (train.csv, test.csv, sample_submission.csv) before the
project is rendered with ``data_source=local``. The project uses this environment's interpreter
(``PYTHON``), so nothing else is installed. At the end the model is served (`make serve` on a free
127.0.0.1 port), asked about one real test row, and stopped.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TEMPLATE / "tests"))

from service import call, client_records, serving  # noqa: E402

from kaggle_fixtures import build_competition  # noqa: E402  (lives with the test fixtures)


def step(title: str, command: list[str], cwd: Path) -> None:
    print(f"\n==> {title}: {' '.join(command)}", flush=True)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True)
    print(f"<== {title} took {time.perf_counter() - started:.1f} s", flush=True)


def try_the_service(project: Path) -> None:
    """`make serve` on a free port, one /predict call with a real test row, then stop it."""
    record = client_records(project)[0]
    print("\n==> the served model: make serve, then POST /predict with the first test row")
    started = time.perf_counter()
    with serving(project, project.parent / "serve.log") as (url, _):
        print(f"    {url}/predict <- {json.dumps(record)}")
        status, answer = call(f"{url}/predict", record)
    if status != 200:
        raise SystemExit(f"/predict answered {status}: {answer}")
    first = answer["predictions"][0]
    shares = ", ".join(f"{k} {v:.3f}" for k, v in (first.get("probabilities") or {}).items())
    print(f"    -> {first['prediction']!r}" + (f" ({shares})" if shares else ""))
    print(f"    model {answer['model']}, version {answer['version']}; the service is stopped.")
    print(f"<== the served model took {time.perf_counter() - started:.1f} s", flush=True)


def main(dest: str = "demo") -> int:
    out = Path(dest).resolve()
    if out.exists():
        shutil.rmtree(out)  # the demo folder is ours (git-ignored) and rebuilt every time
    source = build_competition("multiclass", out / "penguins-data")
    os.environ["PYTHON"] = sys.executable
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    print(f"==> Rendering a project for {source} (bootstrap: setup, data, profile, eda)")
    project = Path(
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            output_dir=str(out),
            extra_context={
                "data_source": "local",
                "dataset": str(source),
                "project_name": "Palmer Penguins",
                "description": "Which penguin is it? Species from bill, flipper and body size.",
                "bootstrap": True,
            },
        )
    )
    python = f"PYTHON={sys.executable}"
    step("the whole pipeline", ["make", "--no-print-directory", "all", python], project)
    step("the project's own tests", ["make", "--no-print-directory", "test", python], project)
    try_the_service(project)
    print(f"\nDone. Open {project / 'README.md'} to read the write-up.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
