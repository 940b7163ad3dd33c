"""The engine keeps its shape: one file per stage, no import cycles, make sees every import."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from example import EXAMPLE

from kaggle_starter import makedeps
from kaggle_starter.stages import STAGES

PACKAGE = makedeps.PACKAGE_DIR  # the engine, imported in place
TEMPLATE = PACKAGE.parents[1]
PROJECT_MAKEFILE = TEMPLATE / "{{cookiecutter.project_slug}}" / "Makefile"


def _graph() -> dict[Path, set[Path]]:
    modules = [p for p in PACKAGE.rglob("*.py") if "cells" not in p.parts]
    return {path: makedeps.imported(path) - {path} for path in modules}


def _cycle(graph: dict[Path, set[Path]]) -> list[Path] | None:
    """A cycle through the import graph (imports inside functions count too), or None."""
    state: dict[Path, int] = {}
    trail: list[Path] = []

    def visit(node: Path) -> list[Path] | None:
        state[node] = 1
        trail.append(node)
        for nxt in sorted(graph.get(node, ())):
            # A package's __init__ is imported on the way to its modules, not by them.
            if nxt.name == "__init__.py" and node.is_relative_to(nxt.parent):
                continue
            if state.get(nxt) == 1:
                return trail[trail.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        trail.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_package_has_no_import_cycle():
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(p.relative_to(PACKAGE).as_posix() for p in cycle)


def test_stages_holds_one_file_per_stage_and_nothing_else():
    files = {p.stem for p in (PACKAGE / "stages").glob("*.py") if p.stem != "__init__"}
    assert files == set(STAGES)


def test_every_stage_module_starts_with_run():
    for name in STAGES:
        tree = ast.parse((PACKAGE / "stages" / f"{name}.py").read_text())
        functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        assert functions[0].name == "run", name


def test_the_makefile_help_says_what_the_stage_list_says():
    makefile = PROJECT_MAKEFILE.read_text()
    helps = dict(re.findall(r"^([a-z]+): [^\n#]*## (.+)$", makefile, re.MULTILINE))
    for name, stage in STAGES.items():
        assert helps.get(name) == stage.help, name


# One interpreter for every stage: before each stage the engine's modules are forgotten, so its
# import loads exactly what it needs (the libraries under them stay loaded, which is what saves
# a fresh interpreter's second per stage; no engine module's imports depend on them).
LOADED_PER_STAGE = """
import importlib, json, sys
loaded = {}
for stage in sys.argv[1:]:
    for name in [n for n in sys.modules if n.split(".")[0] == "kaggle_starter"]:
        del sys.modules[name]
    importlib.import_module("kaggle_starter.cli")
    importlib.import_module("kaggle_starter.stages." + stage)
    loaded[stage] = [
        m.__file__ for n, m in list(sys.modules.items())
        if n.split(".")[0] == "kaggle_starter" and getattr(m, "__file__", None)
    ]
print(json.dumps(loaded))
"""


@pytest.fixture(scope="module")
def sources() -> dict:
    return makedeps.stage_sources()


def test_make_depends_on_every_module_a_stage_really_imports(sources):
    """Import each stage afresh: every package module it loads is a prerequisite."""
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", LOADED_PER_STAGE, *STAGES],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": str(PACKAGE.parent)},
        ).stdout
    )
    assert set(loaded) == set(STAGES)
    for name, files in loaded.items():
        declared = set(sources[name])
        missing = sorted(
            str(Path(f).relative_to(PACKAGE)) for f in files if Path(f) not in declared
        )
        assert not missing, f"make does not redo `{name}` when these change: {missing}"


def test_data_folders_named_in_code_are_prerequisites(sources):
    assert any("/eda/cells/" in p.as_posix() for p in sources["eda"])
    assert not any("/eda/cells/" in p.as_posix() for p in sources["train"])


def test_no_function_is_longer_than_sixty_lines():
    for path in PACKAGE.rglob("*.py"):
        if "cells" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                length = node.end_lineno - node.lineno + 1
                assert length <= 60, f"{path.relative_to(PACKAGE)}:{node.name} has {length} lines"


def test_make_redoes_a_stage_when_any_file_it_writes_is_missing(tmp_path):
    """The damaged-artifact advice ("delete it and run make X") relies on this."""
    from kaggle_starter.artifacts import ARTIFACTS, path_of
    from kaggle_starter.config import load_config

    (tmp_path / "config.yaml").write_text((EXAMPLE / "config.yaml").read_text())
    cfg = load_config(tmp_path)
    makefile = PROJECT_MAKEFILE.read_text()
    for name in ARTIFACTS:
        shown = path_of(cfg, name).relative_to(cfg.root).as_posix()
        if name != "test":  # optional: a dataset may have no test table
            assert shown in makefile, f"the Makefile does not watch {shown}"
