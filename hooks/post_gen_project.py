"""Finish the project: prune what the answers exclude, record the answers, commit, bootstrap.

Bootstrapping (environment, data, profile, notebook) is best effort: a missing credential or a
data problem prints what happened and the command to run next, and generation still succeeds,
because the rendered project is complete and valid without it.
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
PROJECT = Path.cwd()


def prune(answers):
    """Remove files the answers switch off."""
    if answers["license"] == "none":
        (PROJECT / "LICENSE").unlink(missing_ok=True)


def record_answers(answers):
    """Write .cookiecutter.json so the project can be replayed or updated from the template."""
    kept = {k: v for k, v in answers.items() if not k.startswith("_") or k == "_template"}
    text = json.dumps(kept, indent=2, ensure_ascii=False) + "\n"
    (PROJECT / ".cookiecutter.json").write_text(text, encoding="utf-8")


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


def git_commit():
    """Make a first commit; a machine without git (or without an identity) is not an error."""
    if not shutil.which("git"):
        print("git not found: skipped the first commit.")
        return
    identity = ["-c", "user.name=kaggle-starter", "-c", "user.email=kaggle-starter@localhost"]
    steps = [
        ["git", "init", "--quiet", "--initial-branch=main"],
        ["git", "add", "--all"],
        ["git", *identity, "commit", "--quiet", "--no-verify", "-m",
         "Start project from kaggle-starter"],
    ]
    for step in steps:
        if subprocess.run(step, cwd=PROJECT, capture_output=True).returncode != 0:
            print(f"git step failed ({' '.join(step[:2])}): skipped the first commit.")
            return


def has_kaggle_credentials(package):
    """Ask the project's own credential lookup, so this hook and `make data` always agree.

    Only presence is checked: nothing is read, printed or copied. The module needs the standard
    library alone, so it imports before any dependency is installed.
    """
    sys.path.insert(0, str(PROJECT / "src"))
    try:
        return importlib.import_module(f"{package}.kaggle_api").credentials_source() is not None
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
    if answers["data_source"] != "local" and not has_kaggle_credentials(answers["package_name"]):
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
    record_answers(ANSWERS)
    if ANSWERS["bootstrap"]:
        lock()
    git_commit()
    if ANSWERS["bootstrap"]:
        bootstrap(ANSWERS)
    print(f"\nYour project is ready in {PROJECT}. Next: cd into it and run `make all`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
