"""Print the generated project's dev dependency group (its tools: ruff, cruft, ...), one per line.

They are read from a real render of the template, so pyproject.toml in the template stays the one
place where they are declared; `make test` installs them into the template's environment beside
the engine (installed editable from this checkout, which is the project's only runtime
dependency).
"""

import sys
import tempfile
import tomllib
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]


def main() -> int:
    with tempfile.TemporaryDirectory() as out:
        project = cookiecutter(str(TEMPLATE), no_input=True, output_dir=out, accept_hooks=False)
        pyproject = tomllib.loads((Path(project) / "pyproject.toml").read_text())
    dev = pyproject.get("dependency-groups", {}).get("dev", [])
    wanted = [*dev, *sys.argv[1:]]
    print("\n".join(wanted))
    return 0


if __name__ == "__main__":
    sys.exit(main())
