"""Format the generated project's Python with ruff, as its own `make lint` will check it.

The template's sources cannot be formatted in place (test files import a Jinja-named package), so
this renders a project, runs `ruff check --fix` and `ruff format` there with the project's own
settings, and copies the results back into the template. Run it before committing.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]
PROJECT_DIR = TEMPLATE / "{{cookiecutter.project_slug}}"
MARK = "pkgundertest"


def main() -> int:
    with tempfile.TemporaryDirectory() as out:
        project = Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=out,
                                    accept_hooks=False,
                                    extra_context={"package_name": MARK, "bootstrap": False}))
        ruff = [sys.executable, "-m", "ruff"]
        subprocess.run([*ruff, "check", "--fix", "--quiet", "src", "tests"], cwd=project)
        subprocess.run([*ruff, "format", "--quiet", "src", "tests"], cwd=project, check=True)
        for path in sorted((project / "src" / MARK).glob("*.py")):
            shutil.copy(path, PROJECT_DIR / "src" / "{{cookiecutter.package_name}}" / path.name)
        for path in sorted((project / "tests").glob("*.py")):
            text = path.read_text().replace(MARK, "{{ cookiecutter.package_name }}")
            (PROJECT_DIR / "tests" / path.name).write_text(text)
        return subprocess.run([*ruff, "check", "src", "tests"], cwd=project).returncode


if __name__ == "__main__":
    sys.exit(main())
