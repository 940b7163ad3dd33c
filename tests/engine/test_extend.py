"""A project's extend.py adds models, metrics and data-quality checks through kaggle_starter.extend,
and the engine knows them wherever it reads the settings."""

import itertools
import shutil
import sys

import numpy as np
import pandas as pd
import pytest
from example import EXAMPLE, PACKAGE

from kaggle_starter import owner
from kaggle_starter.config import load_config
from kaggle_starter.errors import ProjectError
from kaggle_starter.metrics import METRICS, get_metric
from kaggle_starter.modeling.suite import SUITE
from kaggle_starter.quality import audit
from kaggle_starter.quality.checks import EXTRA_CHECKS

NUMBERS = itertools.count()

EXTEND = """
import numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression

from kaggle_starter import extend
from kaggle_starter.quality import Finding

extend.model(
    "plain_linear",
    "plain linear model",
    classifier=lambda: LogisticRegression(max_iter=500),
    regressor=LinearRegression,
    linear=True,
)


def capped_error(y_true, y_pred):
    return float(np.abs(np.minimum(y_pred, 100) - y_true).mean())


extend.metric("capped_error", capped_error, greater_is_better=False, tasks=("regression",))


@extend.check
def negative_sizes(table):
    bad = int((table.train["size"] < 0).sum()) if "size" in table.train else 0
    if not bad:
        return []
    return [Finding("negative_sizes", "Negative sizes", ["size"], {"size": bad},
                    "Sizes below zero cannot be measured.", None, "medium")]
"""


@pytest.fixture
def project(tmp_path):
    """A copy of the example project whose package has a name of its own (a module imported
    once per process cannot be read again from another folder)."""
    package = f"owner_{next(NUMBERS)}_{tmp_path.name[-8:].replace('-', '_')}"
    root = shutil.copytree(EXAMPLE, tmp_path / "project")
    (root / "src" / PACKAGE).rename(root / "src" / package)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(f'package = "{PACKAGE}"', f'package = "{package}"')
    )
    suite, metrics, checks = dict(SUITE), dict(METRICS), list(EXTRA_CHECKS)
    yield root, package
    SUITE.clear(), SUITE.update(suite)
    METRICS.clear(), METRICS.update(metrics)
    EXTRA_CHECKS[:] = checks
    owner.activate(EXAMPLE)
    sys.path[:] = [p for p in sys.path if p != str(root / "src")]


def _settings(root, models: str, metric: str) -> None:
    path = root / "config.yaml"
    text = path.read_text()
    start = text.index("  models: [")
    text = text[:start] + f"  models: [{models}]" + text[text.index("\n", start) :]
    text = text.replace('metric: "auto"', f'metric: "{metric}"', 1).replace(
        'task: "auto"', 'task: "regression"', 1
    )
    path.write_text(text)


def test_a_model_a_metric_and_a_check_of_the_projects_own(project):
    root, package = project
    (root / "src" / package / "extend.py").write_text(EXTEND)
    _settings(root, "dummy, plain_linear", "capped_error")
    cfg = load_config(root)
    assert cfg.models == ("dummy", "plain_linear") and cfg.metric == "capped_error"
    assert not get_metric("capped_error").greater_is_better

    from kaggle_starter.modeling.pipeline import build_model
    from kaggle_starter.modeling.preprocessing import model_roles

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"size": rng.normal(10, 2, 80), "colour": rng.choice(["a", "b"], 80)})
    y = pd.Series(X["size"] * 3 + rng.normal(0, 1, 80))
    schema = {
        "target": "y",
        "columns": [
            {"name": "size", "role": "numeric", "in_test": True},
            {"name": "colour", "role": "categorical", "in_test": True},
            {"name": "y", "role": "target"},
        ],
    }
    roles = model_roles(schema)
    model = build_model("plain_linear", "regression", roles, schema, seed=0, rows=len(X))
    model.fit(X, y)
    assert np.corrcoef(model.predict(X), y)[0, 1] > 0.9

    X.loc[:2, "size"] = -1.0
    found = [
        f
        for f in audit(X.assign(y=y), target="y", task="regression")
        if f.check == "negative_sizes"
    ]
    assert found and found[0].counts == {"size": 3}


def test_a_mistake_in_extend_py_is_one_sentence_naming_the_file_and_line(project):
    root, package = project
    (root / "src" / package / "extend.py").write_text(
        "from kaggle_starter import extend\n\nextend.model(\n"
    )
    with pytest.raises(
        ProjectError, match=rf"src/{package}/extend.py does not import \(SyntaxError at line 3"
    ):
        load_config(root)


def test_a_name_the_engine_has_already_is_refused(project):
    root, package = project
    (root / "src" / package / "extend.py").write_text(
        "from sklearn.linear_model import Ridge\nfrom kaggle_starter import extend\n\n"
        "extend.model('lightgbm', 'mine', regressor=Ridge)\n"
    )
    with pytest.raises(ProjectError, match="a model called 'lightgbm' exists already"):
        load_config(root)
