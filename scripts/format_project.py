"""Format the generated project's Python with ruff, as its own `make lint` will check it.

The template's sources cannot be formatted in place (test files import a Jinja-named package), so
this renders a project, runs `ruff check --fix` and `ruff format` there with the project's own
settings, and copies the results back into the template. Run it before committing.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]
PROJECT_DIR = TEMPLATE / "{{cookiecutter.project_slug}}"
MARK = "pkgundertest"


def _write_back(formatted: str, target: Path, before: dict[Path, str]) -> None:
    """Write only what formatting changed, and never over an edit made while it ran."""
    current = target.read_text() if target.exists() else None
    if current == before.get(target) and current != formatted:
        target.write_text(formatted)


def main() -> int:
    before = {p: p.read_text() for p in PROJECT_DIR.rglob("*.py")}
    with tempfile.TemporaryDirectory() as out:
        project = Path(
            cookiecutter(
                str(TEMPLATE),
                no_input=True,
                output_dir=out,
                accept_hooks=False,
                extra_context={"package_name": MARK, "bootstrap": False},
            )
        )
        ruff = [sys.executable, "-m", "ruff"]
        subprocess.run([*ruff, "check", "--fix", "--quiet", "src", "tests"], cwd=project)
        subprocess.run([*ruff, "format", "--quiet", "src", "tests"], cwd=project, check=True)
        package = PROJECT_DIR / "src" / "{{cookiecutter.package_name}}"
        for path in sorted((project / "src" / MARK).glob("*.py")):
            _write_back(path.read_text(), package / path.name, before)
        for path in sorted((project / "tests").glob("*.py")):
            text = path.read_text().replace(MARK, "{{ cookiecutter.package_name }}")
            _write_back(text, PROJECT_DIR / "tests" / path.name, before)
        return subprocess.run([*ruff, "check", "src", "tests"], cwd=project).returncode


if __name__ == "__main__":
    sys.exit(main())
