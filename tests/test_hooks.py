"""The hooks: refusals before anything is written, and what the post-generation hook leaves."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

from conftest import PYTHON, TEMPLATE, project_env, render_typed


def load_pre_hook(tmp_path, **answers):
    """Render pre_gen_project.py with these answers and import it as a module."""
    context = generate_context(str(TEMPLATE / "cookiecutter.json"))
    values = prompt_for_config(context, no_input=True)
    values.update(answers)
    env = StrictEnvironment(context={"cookiecutter": values})
    source = (TEMPLATE / "hooks" / "pre_gen_project.py").read_text()
    path = tmp_path / "pre_gen_project.py"
    path.write_text(env.from_string(source).render(cookiecutter=values))
    spec = importlib.util.spec_from_file_location("pre_gen_project", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFUSALS = [
    ({"project_slug": "My Project"}, "project_slug 'My Project' is not valid"),
    ({"project_slug": "titanic_"}, "project_slug 'titanic_' is not valid"),
    ({"package_name": "2fast"}, "package_name '2fast' is not a Python identifier"),
    ({"package_name": "my-pkg"}, "package_name 'my-pkg' is not a Python identifier"),
    ({"package_name": "class"}, "package_name 'class' is a Python keyword"),
    ({"package_name": "p" * 65}, "package_name 'pppppppppppppppppppp'... is 65 characters long"),
    ({"project_slug": "s" * 101}, "project_slug 'ssssssssssssssssssss'... is 101 characters"),
    ({"dataset": "Titanic Comp"}, "dataset 'Titanic Comp' is not a Kaggle competition slug"),
    (
        {"data_source": "dataset", "dataset": "no-owner"},
        "dataset 'no-owner' is not a Kaggle dataset reference",
    ),
    ({"data_source": "dataset", "dataset": "a/b/c"}, "dataset 'a/b/c' is not a Kaggle dataset"),
    ({"data_source": "local", "dataset": "  "}, "dataset is empty but data_source is 'local'"),
    ({"metric": "auroc"}, "metric 'auroc' is not known: use one of auto, accuracy"),
    ({"package_name": "email"}, "package_name 'email' is the name of a standard-library module"),
    ({"package_name": "pandas"}, "package_name 'pandas' is the name of a dependency's module"),
    ({"package_name": "sklearn"}, "package_name 'sklearn' is the name of a dependency's module"),
]


@pytest.mark.parametrize(("answers", "message"), REFUSALS)
def test_each_refusal_names_the_value(tmp_path, answers, message):
    hook = load_pre_hook(tmp_path, **answers)
    found = hook.problems(hook.ANSWERS)
    assert found and found[0].startswith(message)


def run_cookiecutter(output_dir, *args):
    """The cookiecutter command line, without input, bootstrap off."""
    command = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(output_dir)]
    return subprocess.run(
        [*command, str(TEMPLATE), "bootstrap=false", *args],
        capture_output=True,
        text=True,
        env=project_env(),
    )


def test_a_dataset_named_like_a_stdlib_module_is_refused_with_the_fix(tmp_path):
    """`someone/email` derives the package `email`: refused, and the suggested fix works."""
    answers = ["data_source=dataset", "dataset=someone/email"]
    refused = run_cookiecutter(tmp_path, *answers)
    errors = [line for line in refused.stderr.splitlines() if line.startswith("ERROR:")]
    assert refused.returncode != 0 and len(errors) == 1, refused.stderr
    assert errors[0].endswith("e.g. package_name=email_project."), errors[0]
    assert "Traceback" not in refused.stderr and list(tmp_path.iterdir()) == []
    accepted = run_cookiecutter(tmp_path, *answers, "package_name=email_project")
    assert accepted.returncode == 0, accepted.stderr
    assert (tmp_path / "email" / "src" / "email_project" / "features.py").is_file()


def test_every_module_the_package_imports_is_guarded(default_project):
    """The hook's dependency list covers every absolute import of the owner's package and of the
    engine it runs."""
    import ast

    hook = load_pre_hook(default_project.parent)
    guarded = hook.DEPENDENCY_MODULES | hook.STDLIB_MODULES
    imported = set()
    sources = [*(default_project / "src").rglob("*.py"), *(TEMPLATE / "src").rglob("*.py")]
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert imported and imported <= guarded, sorted(imported - guarded)


def test_good_answers_pass(tmp_path):
    hook = load_pre_hook(
        tmp_path, data_source="dataset", dataset="owner/some.data_set-1", metric="rmsle"
    )
    assert hook.problems(hook.ANSWERS) == []


def test_hostile_answers_cannot_break_the_hook(tmp_path):
    nasty = "'''\"\"\" {{ x }} {% if %} \\ \\u0000 \n import os; os.system('false')"
    hook = load_pre_hook(tmp_path, project_slug=nasty, description=nasty)
    assert hook.ANSWERS["project_slug"] == nasty


@pytest.mark.parametrize(("answers", "message"), [*REFUSALS[::3], REFUSALS[-3]])
def test_refusal_from_the_command_line_writes_nothing(tmp_path, answers, message):
    args = [f"{k}={v}" for k, v in answers.items()]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "-o",
            str(tmp_path),
            str(TEMPLATE),
            "bootstrap=false",
            *args,
        ],
        capture_output=True,
        text=True,
        env=project_env(),
    )
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert list(tmp_path.iterdir()) == []


def test_post_hook_records_answers_and_prunes_license(tmp_path):
    project = render_typed(tmp_path, license="none", author_name="Ada")
    state = json.loads((project / ".cruft.json").read_text())
    replay = state["context"]["cookiecutter"]
    assert replay["author_name"] == "Ada" and replay["license"] == "none"
    relative = Path(os.path.relpath(TEMPLATE, project)).as_posix()  # no path of this machine
    assert state["template"] == replay["_template"] == relative
    assert state["commit"] == replay["_commit"] and len(state["commit"]) == 40
    assert not {"_output_dir", "_repo_dir"} & set(replay)  # this machine's paths stay out
    assert not (project / "LICENSE").exists()


def test_generation_succeeds_without_git(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("PATH", "/nonexistent")
    project = render_typed(tmp_path)
    assert (project / "config.yaml").is_file()
    assert not (project / ".git").exists() and not (project / ".cruft.json").exists()
    assert "git not found: no .cruft.json written" in capfd.readouterr().out


def test_bootstrap_without_credentials_prints_the_next_step(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PYTHON", PYTHON)
    for name in [n for n in os.environ if n.startswith("KAGGLE_")]:
        monkeypatch.delenv(name)
    project = render_typed(tmp_path, bootstrap=True)
    out = capfd.readouterr().out
    assert "No Kaggle credentials found" in out and "make data profile eda" in out
    assert (project / "config.yaml").is_file() and not (project / "data").exists()
    assert not (project / ".venv").exists()  # PYTHON was used instead of a new environment
    assert not (tmp_path / "home" / ".kaggle").exists()  # the client was never imported


@pytest.mark.parametrize("under_home", [False, True])
def test_a_local_source_is_recorded_without_this_machines_folders(
    tmp_path, monkeypatch, under_home
):
    """data.ref and the recorded answer: ``~/...`` under the home folder, else relative to the
    project, so the committed config.yaml and .cruft.json name no user's folder; make data reads
    either form (tests/test_data.py runs relative ones)."""
    home = tmp_path / "home"
    source = (home if under_home else tmp_path) / "kaggle" / "my-data"
    source.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    project = render_typed(tmp_path / "out", data_source="local", dataset=str(source))
    expected = "~/kaggle/my-data" if under_home else "../../kaggle/my-data"
    config = (project / "config.yaml").read_text()
    assert f'  ref: "{expected}"  # competition slug' in config
    state = json.loads((project / ".cruft.json").read_text())
    assert state["context"]["cookiecutter"]["dataset"] == expected
    assert str(tmp_path) not in config + (project / ".cruft.json").read_text()
