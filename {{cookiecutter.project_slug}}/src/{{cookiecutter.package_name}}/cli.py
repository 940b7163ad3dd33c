"""One command line for every stage: ``python -m <package> <stage>``.

Each stage is a module of :mod:`.stages` with a ``run(config, **options)`` function, so it runs
the same from make, a test or a notebook; :data:`.stages.STAGES` lists them. A
:class:`ProjectError` becomes one ``ERROR:`` line and exit code 1; ``DEBUG=1`` shows the
traceback as well. Ctrl-C exits 130 without a traceback.
"""

import argparse
import importlib
import os
import sys
import traceback
import warnings
from pathlib import Path

from .config import load_config
from .errors import ProjectError
from .stages import STAGES

# Libraries that would report usage to their vendor over the network are told not to: the only
# connection a stage makes is the Kaggle client's own.
NO_TELEMETRY = {"YDATA_PROFILING_NO_ANALYTICS": "1"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}", description=__doc__)
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
        if name == "monitor":
            command.add_argument(
                "--batch", default="", help="a CSV (or other table) to check instead of the log"
            )
    return parser


def run_stage(stage: str, root: Path = Path("."), **options) -> None:
    """Run one stage in ``root``; raises :class:`ProjectError` for a user's mistake."""
    config = load_config(root)
    module = importlib.import_module(f"{__package__}.stages.{stage}")
    module.run(config, **options)


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings are for people: one line each, without the source location.

    The project's own advice is a plain UserWarning; a library's (a FutureWarning from pandas,
    say) keeps its category so it is not mistaken for advice about the data.
    """
    kind = "" if category is UserWarning else f" ({category.__name__})"
    print(f"WARNING{kind}: {message}", file=file or sys.stderr)


def main(argv: list[str] | None = None) -> int:
    for name, value in NO_TELEMETRY.items():
        os.environ.setdefault(name, value)
    warnings.showwarning = _one_line_warning
    args = vars(build_parser().parse_args(argv))
    stage, root = args.pop("stage"), args.pop("root")
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
