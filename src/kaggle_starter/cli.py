"""One command line for every stage: ``kaggle-starter <stage>`` (or ``python -m kaggle_starter``),
run from a project's root.

Each stage is a module of :mod:`.stages` with a ``run(config, **options)`` function, so it runs
the same from make, a test or a notebook; :data:`.stages.STAGES` lists them. The project's tools
that are not stages (``config``, ``clean``, ``vendor``, make's ``makestate``) live in
:mod:`.commands`. A :class:`ProjectError` becomes one ``ERROR:`` line and exit code 1;
``DEBUG=1`` shows the traceback as well. Ctrl-C exits 130 without a traceback.
"""

import argparse
import importlib
import os
import sys
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

from . import __version__, owner
from .config import load_config
from .errors import ProjectError
from .stages import STAGES

# Not stages: name -> help. Their code is in .commands, imported by name only when one runs, so
# a change there never counts as a change of every stage's code (see .makedeps).
COMMANDS = {
    "config": "print the effective settings and where each comes from",
    "clean": "remove what the stages generated (never data/raw, models, runs or your files)",
    "vendor": "copy the installed engine into vendor/ and point pyproject.toml at the copy",
    "makestate": "bring make's bookkeeping in .make/ up to date (the Makefile runs it)",
}

# Libraries that would report usage to their vendor over the network are told not to: the only
# connection a stage makes is the Kaggle client's own.
NO_TELEMETRY = {"YDATA_PROFILING_NO_ANALYTICS": "1"}

# Optional modules a stage never needs, kept from importing. jsonschema (under nbformat) imports
# every format checker whose package is installed; rfc3987-syntax, which jupyter-events brings
# for the lab, compiles a grammar at import: a second of CPU in every stage that reads a
# notebook, for IRI formats that nbformat's schema does not use.
UNUSED_MODULES = ("rfc3987_syntax",)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kaggle-starter",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kaggle-starter {__version__}")
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder")
    commands = parser.add_subparsers(dest="stage", required=True, metavar="STAGE")
    for name, stage in STAGES.items():
        command = commands.add_parser(name, help=stage.help, description=stage.help)
        command.add_argument(
            "--force",
            action="store_true",
            help="redo the work even when its outputs are up to date",
        )
        if name == "submit":
            command.add_argument("--message", default="", help="submission description")
        if name == "train":
            command.add_argument("--note", default="", help="what this run tries (NOTE=...)")
        if name == "monitor":
            command.add_argument(
                "--batch", default="", help="a CSV (or other table) to check instead of the log"
            )
    for name, text in COMMANDS.items():
        commands.add_parser(name, help=text, description=text)
    return parser


def run_stage(stage: str, root: Path = Path("."), **options) -> None:
    """Run one stage in ``root``; raises :class:`ProjectError` for a user's mistake."""
    config = load_config(root)
    owner.activate(root)
    module = importlib.import_module(f"{__package__}.stages.{stage}")
    with stage_lock(config.root, stage):
        module.run(config, **options)


@contextmanager
def stage_lock(root: Path, stage: str) -> Iterator[None]:
    """Hold ``.make/locks/<stage>.lock`` while the stage runs; a second run is refused.

    Two runs of one stage would race on the same outputs (a second `make data` deleted the
    first's staging folder). Refusing beats waiting: make had already decided the stage was
    stale, so a run that waited would redo the work the first one is finishing. The lock is
    the kernel's (``flock``), so it is released even when the holder is killed.
    """
    if fcntl is None:  # Windows: no flock; concurrent runs stay the user's business
        yield
        return
    path = root / ".make" / "locks" / f"{stage}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid = handle.read().strip() or "unknown"
            raise ProjectError(
                f"another `make {stage}` is running in this project (pid {pid}); wait for it to "
                f"finish, then run `make {stage}` again if it is still needed."
            ) from None
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings are for people: one line each, without the source location.

    The project's own advice is a plain UserWarning; a library's (a FutureWarning from pandas,
    say) keeps its category so it is not mistaken for advice about the data.
    """
    kind = "" if category is UserWarning else f" ({category.__name__})"
    # A library's warning may run to paragraphs of advice (scikit-learn's ConvergenceWarning):
    # the first paragraph, on one line, says what happened.
    first = " ".join(str(message).split("\n\n")[0].split())
    print(f"WARNING{kind}: {first}", file=file or sys.stderr)


def main(argv: list[str] | None = None) -> int:
    for name, value in NO_TELEMETRY.items():
        os.environ.setdefault(name, value)
    for module in UNUSED_MODULES:
        sys.modules.setdefault(module, None)  # `import` raises ImportError, which they expect
    warnings.showwarning = _one_line_warning
    args = vars(build_parser().parse_args(argv))
    stage, root = args.pop("stage"), args.pop("root")
    if stage in COMMANDS:
        return importlib.import_module(f"{__package__}.commands").run(stage, root.resolve())
    try:
        run_stage(stage, root, **args)
    except ProjectError as exc:
        if os.environ.get("DEBUG"):
            traceback.print_exc()
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            f"Interrupted: '{stage}' stopped; files it had not finished were not kept.",
            file=sys.stderr,
        )
        return 130
    return 0
