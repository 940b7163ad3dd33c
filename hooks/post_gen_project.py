"""Finish the project: prune what the answers exclude, record the answers, commit, bootstrap.

Bootstrapping (environment, data, profile, notebook) is best effort: a missing credential or a
data problem prints what happened and the command to run next, and generation still succeeds,
because the rendered project is complete and valid without it.

cruft renders the template too, to compute an update (`cruft update`) or to create a project
(`cruft create`); its context holds `_commit`, which plain cookiecutter never sets. Such a render
only gets its files pruned: a git repository, a lock or an environment inside it would end up in
the update's diff, and cruft writes .cruft.json itself.
"""

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ANSWERS = json.loads(
    r'''{{ cookiecutter | tojson }}'''
)
# The template folder, made absolute in the cookiecutter process (see local_extensions.py): a
# relative path is relative to where cookiecutter was started, not to this hook's folder.
TEMPLATE_DIR = json.loads(r'''{{ cookiecutter.get("_repo_dir", "") | absolute_path | tojson }}''')
PROJECT = Path.cwd()
# Paths `cruft update` never touches: what the pipeline writes (should a later template ship a
# file there), the lock, which `uv lock` rewrites from pyproject.toml after an update, and the
# owner's own files (plus src/<package>/features.py and extend.py, added per project).
CRUFT_SKIP = [
    "data", "models", "notebooks", "reports", "runs", "submissions", "uv.lock",
    "config.yaml", "README.md", "tests/test_features.py",
]
OWNER_MODULES = ("features.py", "extend.py")
# Context keys that describe one cookiecutter run on one machine, not the project.
RUN_KEYS = {"_output_dir", "_repo_dir", "_checkout"}


def prune(answers):
    """Remove files the answers switch off."""
    if answers["license"] == "none":
        (PROJECT / "LICENSE").unlink(missing_ok=True)


def template_origin(answers):
    """(template, commit) for cruft: a git URL or a folder, and its HEAD commit.

    A folder is written relative to the project (cruft runs from the project's root), so the
    committed .cruft.json names no path of this machine (a home folder holds a user name). None
    when cruft could not fetch this template again: a zip file, or a folder that is not a git
    repository (a copy without history has no commit to update from).
    """
    from cookiecutter.config import get_user_config
    from cookiecutter.repository import expand_abbreviations, is_repo_url, is_zip_file

    template = answers.get("_template", "")
    expanded = expand_abbreviations(template, get_user_config()["abbreviations"])
    if not template or is_zip_file(template):
        return None
    if is_repo_url(expanded):
        source = expanded.removeprefix("git+")
    else:
        source = TEMPLATE_DIR or str(Path(template).resolve())
    folder = TEMPLATE_DIR or source
    if not Path(folder).is_dir():
        return None
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True)
    if head.returncode != 0:
        return None
    if not is_repo_url(expanded):
        source = Path(os.path.relpath(source, PROJECT)).as_posix()
    return source, head.stdout.strip()


def portable_path(text):
    """A local path as committed files keep it: ``~/...`` under the home folder, else relative to
    the project; so config.yaml and .cruft.json name no user's folder. A relative path as typed
    is kept as it is."""
    path = Path(text).expanduser()
    if not path.is_absolute():
        return text
    home = Path.home().resolve()
    if path.resolve().is_relative_to(home):
        return "~/" + path.resolve().relative_to(home).as_posix()
    return Path(os.path.relpath(path, PROJECT)).as_posix()


def yaml_string(text):
    """``text`` quoted as the template quotes its values (local_extensions.quoted), so a path
    written here reads back the same as one the template wrote."""
    sys.path.insert(0, str(TEMPLATE_DIR or Path(ANSWERS.get("_template", "."))))
    try:
        return importlib.import_module("local_extensions").quoted(text)
    finally:
        sys.path.pop(0)


def localise_source(answers):
    """For a local source, write data.ref (and the recorded answer) in its portable form."""
    if answers.get("data_source") != "local":
        return
    portable = portable_path(answers["dataset"])
    if portable == answers["dataset"]:
        return
    answers["dataset"] = portable
    config = PROJECT / "config.yaml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.startswith("  ref: "):
            comment = line[line.rindex("  #") :] if "  #" in line else "\n"
            lines[number] = f"  ref: {yaml_string(portable)}{comment}"
            break
    config.write_text("".join(lines), encoding="utf-8")


def record_answers(answers):
    """Write .cruft.json: the answers, and the template and commit `cruft update` starts from."""
    if not shutil.which("git"):
        print("git not found: no .cruft.json written, so `cruft update` cannot follow the template.")
        return
    origin = template_origin(answers)
    if origin is None:
        print(
            "The template is not a git repository, so `cruft update` could not follow it: "
            "no .cruft.json was written."
        )
        return
    template, commit = origin
    context = {k: v for k, v in answers.items() if k not in RUN_KEYS}
    context.update(_template=template, _commit=commit)
    state = {
        "template": template,
        "commit": commit,
        "checkout": answers.get("_checkout"),
        "context": {"cookiecutter": context},
        "directory": None,
        "skip": [*CRUFT_SKIP, *(f"src/{answers['package_name']}/{m}" for m in OWNER_MODULES)],
    }
    text = json.dumps(state, indent=2, ensure_ascii=False) + "\n"
    (PROJECT / ".cruft.json").write_text(text, encoding="utf-8")


def engine_source(answers):
    """The ``[tool.uv.sources]`` entry that pins the engine to the template it was rendered from.

    A template on disk (a checkout, git or not): its folder, relative to the project (so tests,
    `make demo` and offline work never need the network) and editable, so the checkout's engine
    is the project's. A git URL, or a clone cookiecutter keeps in its cache (replaced by the next
    download): the repository at the rendered commit. None when neither can be named (a zip of
    the template): the pinned version then comes from the package index.
    """
    from cookiecutter.config import get_user_config
    from cookiecutter.repository import expand_abbreviations, is_repo_url, is_zip_file

    template = answers.get("_template", "")
    config = get_user_config()
    expanded = expand_abbreviations(template, config["abbreviations"])
    if not template or is_zip_file(template):
        return None  # cookiecutter deletes the unpacked folder after this hook
    if not is_repo_url(expanded):
        folder = Path(TEMPLATE_DIR or template).resolve()
        if not (folder / "src").is_dir():
            return None
        if folder.is_relative_to(Path(config["cookiecutters_dir"]).expanduser().resolve()):
            return _git_source(folder, _origin_url(folder))  # a cached clone is replaced later
        relative = Path(os.path.relpath(folder, PROJECT)).as_posix()
        return "{ path = " + toml_text(relative) + ", editable = true }"
    origin = template_origin(answers) if shutil.which("git") else None
    return _git_source(None, *origin) if origin else None


def _origin_url(folder):
    """The ``origin`` remote of a git checkout, or None."""
    if not shutil.which("git"):
        return None
    found = subprocess.run(
        ["git", "remote", "get-url", "origin"], cwd=folder, capture_output=True, text=True
    )
    if found.returncode != 0:
        return None
    return found.stdout.strip() or None


def _git_source(folder, url, commit=None):
    """``{ git = url, rev = commit }`` (the folder's HEAD when no commit is given), or None."""
    if not url:
        return None
    if commit is None:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True
        )
        commit = head.stdout.strip() if head.returncode == 0 else None
    if not commit:
        return None
    return "{ git = " + toml_text(url) + ", rev = " + toml_text(commit) + " }"


def toml_text(value):
    """A TOML basic string: JSON's escapes, every other character written as itself (JSON's
    ASCII escapes would turn a character beyond the BMP into a pair TOML refuses)."""
    return json.dumps(value, ensure_ascii=False)


def pin_engine(answers):
    """Add ``[tool.uv.sources]`` to pyproject.toml: where uv finds the pinned engine."""
    source = engine_source(answers)
    if source is None:
        return
    path = PROJECT / "pyproject.toml"
    text = path.read_text(encoding="utf-8").rstrip("\n")  # the render's own, just written
    text += (
        "\n\n# Where the pinned engine comes from: written when this project was generated.\n"
        f"[tool.uv.sources]\nkaggle-starter = {source}\n"
    )
    path.write_text(text, encoding="utf-8")


def lock():
    """Write uv.lock before the first commit, so that commit already pins every version.

    Locking resolves against the package index, so it runs only with bootstrap on (which needs
    the network anyway) and uv installed. Offline it says what to run later and generation goes
    on; `make setup` writes the lock as well when it is missing.
    """
    if not shutil.which("uv"):
        return
    print("$ uv lock", flush=True)
    if subprocess.run(["uv", "lock"], cwd=PROJECT).returncode != 0:
        print("uv lock failed (see above): run `uv lock` once online, then commit uv.lock.")


def git_identity():
    """`-c` options naming kaggle-starter for what the user's git config leaves unset.

    Asked inside the new repository, so conditional includes (a work identity for one folder)
    apply; a configured name and email are used as they are.
    """
    fallback = {"user.name": "kaggle-starter", "user.email": "kaggle-starter@localhost"}
    options = []
    for key, value in fallback.items():
        found = subprocess.run(["git", "config", key], cwd=PROJECT, capture_output=True, text=True)
        if found.returncode != 0 or not found.stdout.strip():
            options += ["-c", f"{key}={value}"]
    return options


def git_commit():
    """Make a first commit; a machine without git (or without an identity) is not an error."""
    if not shutil.which("git"):
        print("git not found: skipped the first commit.")
        return
    for step in (["git", "init", "--quiet", "--initial-branch=main"], ["git", "add", "--all"]):
        if subprocess.run(step, cwd=PROJECT, capture_output=True).returncode != 0:
            print(f"git step failed ({' '.join(step[:2])}): skipped the first commit.")
            return
    message = "Start project from kaggle-starter"
    commit = ["git", *git_identity(), "commit", "--quiet", "--no-verify", "-m", message]
    if subprocess.run(commit, cwd=PROJECT, capture_output=True).returncode != 0:
        print("git commit failed: skipped the first commit.")


def has_kaggle_credentials():
    """Ask the engine's own credential lookup, so this hook and `make data` always agree.

    The engine is read from the template's checkout (the one the project pins). Only presence is
    checked: nothing is read, printed or copied. The module needs the standard library alone, so
    it imports before any dependency is installed.
    """
    sys.path.insert(0, str(Path(TEMPLATE_DIR) / "src"))
    try:
        return importlib.import_module("kaggle_starter.ingest.kaggle_api").credentials_source() is not None
    finally:
        sys.path.pop(0)


def make(*targets, python):
    """Run make targets in the project; True when they all succeeded."""
    command = ["make", "--no-print-directory", *targets]
    if python:
        command.append(f"PYTHON={python}")
    print(f"$ {' '.join(command)}", flush=True)
    return subprocess.run(command, cwd=PROJECT).returncode == 0


def bootstrap(answers):
    """Set up, fetch, profile and explore; report the next step instead of failing."""
    python = os.environ.get("PYTHON", "")
    if not shutil.which("make"):
        print("make not found: install it, then run `make setup` in the project.")
        return
    if not make("setup", python=python):
        print("Setting up the environment failed (see above): fix it, then run `make setup`.")
        return
    if answers["data_source"] != "local" and not has_kaggle_credentials():
        print(
            "No Kaggle credentials found, so the data was not fetched. Create a token at "
            "kaggle.com > Settings > API, export KAGGLE_API_TOKEN (or save kaggle.json in "
            "~/.kaggle with mode 600), then run `make data profile eda`."
        )
        return
    for step in ("data", "profile", "eda"):
        if not make(step, python=python):
            print(f"`make {step}` did not finish (see the message above); the project is "
                  f"complete: fix that, then run `make data profile eda`.")
            return


def main():
    prune(ANSWERS)
    if "_commit" in ANSWERS:  # a render by cruft: see the module docstring
        return 0
    localise_source(ANSWERS)
    record_answers(ANSWERS)
    pin_engine(ANSWERS)
    if ANSWERS["bootstrap"]:
        lock()
    git_commit()
    if ANSWERS["bootstrap"]:
        bootstrap(ANSWERS)
    print(f"\nYour project is ready in {PROJECT}. Next: cd into it and run `make all`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
