"""Refuse answers that would produce a broken project, before anything is written.

Answers arrive through ``tojson`` so that quotes, braces or backslashes in them can never break
this file or run code. Each refusal is one ``ERROR:`` line naming the value and what is accepted.
"""

import json
import keyword
import re
import sys

ANSWERS = json.loads(
    r'''{
    "project_slug": {{ cookiecutter.project_slug | tojson }},
    "package_name": {{ cookiecutter.package_name | tojson }},
    "data_source": {{ cookiecutter.data_source | tojson }},
    "dataset": {{ cookiecutter.dataset | tojson }},
    "metric": {{ cookiecutter.metric | tojson }},
    "known_metrics": {{ cookiecutter._known_metrics | tojson }}
}'''
)

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KAGGLE_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
KAGGLE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")

# The project runs with src/ first on sys.path (PYTHONPATH=src, pytest's pythonpath), so a
# package named like a module the project imports hides that module and every stage fails on
# its imports. These are the top-level import names of the project's dependencies and tools (the
# engine included); a template test checks that every absolute import of the engine and of the
# owner's package is either here or stdlib.
DEPENDENCY_MODULES = frozenset(
    {
        "catboost", "cruft", "dask", "data_profiling", "distributed", "fastapi", "fastapi_offline",
        "httpx", "IPython", "ipykernel", "jupyterlab", "kaggle_starter", "markupsafe", "mistune", "mlflow",
        "playwright", "polars", "threadpoolctl",
        "jinja2", "joblib", "jupyter_client", "kaggle", "kagglesdk", "lightgbm", "matplotlib",
        "nbclient", "nbconvert", "nbformat", "numpy", "optuna", "pandas", "pip", "pre_commit",
        "pre_commit_hooks", "pyarrow", "pydantic", "pydantic_core", "pytest", "requests", "ruff",
        "scipy", "setuptools", "shap", "six", "sklearn", "starlette", "traitlets", "uvicorn", "xgboost",
        "yaml", "ydata_profiling",
    }
)
# sys.stdlib_module_names exists from Python 3.10; an older interpreter running cookiecutter
# still gets the dependency check.
STDLIB_MODULES = frozenset(getattr(sys, "stdlib_module_names", ()))


# The longest answers every rendered file is linted with (the render matrix holds them): a
# package name is written into import lines of the 100-column code, and GitHub's repository
# names stop at 100 characters.
MAX_PACKAGE = 64
MAX_SLUG = 100


def check_project_slug(slug):
    if len(slug) > MAX_SLUG:
        return (
            f"project_slug {slug[:20]!r}... is {len(slug)} characters long: GitHub allows at "
            f"most {MAX_SLUG}; choose a shorter one."
        )
    if not SLUG.match(slug):
        return (
            f"project_slug {slug!r} is not valid: use lowercase letters, digits and single "
            "hyphens, e.g. 'titanic-survival'."
        )
    return None


def check_package_name(name):
    if len(name) > MAX_PACKAGE:
        return (
            f"package_name {name[:20]!r}... is {len(name)} characters long: use at most "
            f"{MAX_PACKAGE} (your code and tests import it on 100-column lines)."
        )
    if not name.isidentifier() or not name.isascii():
        return (
            f"package_name {name!r} is not a Python identifier: use lowercase letters, digits "
            "and underscores, not starting with a digit, e.g. 'titanic_survival'."
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return f"package_name {name!r} is a Python keyword: choose another, e.g. '{name}_study'."
    if name in STDLIB_MODULES or name in DEPENDENCY_MODULES:
        owner = "a standard-library module" if name in STDLIB_MODULES else "a dependency's module"
        return (
            f"package_name {name!r} is the name of {owner}, which the package would hide from "
            f"the project and its libraries: choose another, e.g. package_name={name}_project."
        )
    return None


def check_dataset(source, dataset):
    if source == "competition" and not KAGGLE_SLUG.match(dataset):
        return (
            f"dataset {dataset!r} is not a Kaggle competition slug: use the lowercase name from "
            "the competition URL, e.g. 'titanic' for kaggle.com/competitions/titanic."
        )
    if source == "dataset":
        owner, _, name = dataset.partition("/")
        if not (KAGGLE_NAME.match(owner) and KAGGLE_NAME.match(name)) or "/" in name:
            return (
                f"dataset {dataset!r} is not a Kaggle dataset reference: use 'owner/name' as in "
                "kaggle.com/datasets/owner/name, e.g. 'camnugent/california-housing-prices'."
            )
    if source == "local" and not dataset.strip():
        return (
            "dataset is empty but data_source is 'local': give the path of a folder, .zip or "
            ".csv file holding the data."
        )
    return None


def check_metric(metric, known):
    if metric != "auto" and metric not in known:
        allowed = ", ".join(["auto", *known])
        return f"metric {metric!r} is not known: use one of {allowed}."
    return None


def problems(answers):
    """Every refusal for these answers, in the order a person would fix them."""
    found = [
        check_project_slug(answers["project_slug"]),
        check_package_name(answers["package_name"]),
        check_dataset(answers["data_source"], answers["dataset"]),
        check_metric(answers["metric"], answers["known_metrics"]),
    ]
    return [message for message in found if message]


def main():
    found = problems(ANSWERS)
    if found:
        print(f"ERROR: {found[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
