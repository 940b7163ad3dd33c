"""The user's ``features.py`` inside the pipeline: run it safely, and give its new columns roles.

:class:`UserFeatures` is the first step of every saved pipeline. It calls ``clean`` then
``add_features`` from the project's ``features`` module at transform time (the pickle holds the
step, not the functions), so train, interpret, predict and serve all start from raw columns.
:func:`feature_schema` runs those functions once on the training and test tables before any model
is fitted: a mistake there (the target used, a column test lacks, an exception) becomes one
sentence naming the function and the line, and the columns they add get roles like any other.
"""

import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from .. import owner
from ..errors import ProjectError
from ..ingest.detect import column_role, mean_words
from .learned import told_the_task

STEPS = ("clean", "add_features")


def _label() -> str:
    return owner.current().label()


def _user(package: str | None = None):
    """The owner's ``features`` module; a mistake that stops it importing is one sentence."""
    return owner.imported("features", package)


def _where(exc: BaseException) -> str:
    """``line N (`code`)`` of the innermost frame in features.py, for the sentence."""
    frame = owner.innermost_frame(exc, "features.py")
    if frame is None:
        return "features.py"
    return f"features.py line {frame.lineno} (`{(frame.line or '').strip()}`)"


def apply(
    frame: pd.DataFrame,
    *,
    table: str = "the data",
    target: str | None = None,
    package: str | None = None,
) -> pd.DataFrame:
    """``add_features(clean(frame))`` on a copy, or a ProjectError naming the step and the line."""
    module = _user(package)
    result = frame.copy()
    for step in STEPS:
        try:
            result = getattr(module, step)(result)
        except Exception as exc:  # the user's code: any failure becomes one sentence
            raise _explain(exc, step, table, target) from exc
        if not isinstance(result, pd.DataFrame) or len(result) != len(frame):
            got = type(result).__name__
            if isinstance(result, pd.DataFrame):
                got = f"{len(result):,} rows"
            raise ProjectError(
                f"features.{step} must return the frame with its {len(frame):,} rows, not "
                f"{got}: keep every row and end it with `return frame` in "
                f"{_label()}."
            )
    return result


def _explain(exc: Exception, step: str, table: str, target: str | None) -> ProjectError:
    where = _where(exc)
    if isinstance(exc, KeyError) and target is not None and exc.args and exc.args[0] == target:
        return ProjectError(
            f"features.{step} uses the target column {target!r} at {where}: rows to predict do "
            f"not have it, so compute features from the other columns in {_label()}."
        )
    return ProjectError(
        f"features.{step} failed on {table} at {where}: {type(exc).__name__}: {exc}; fix "
        f"{_label()} (it must work on every table, the test rows included)."
    )


class UserFeatures(TransformerMixin, BaseEstimator):
    """The user's ``clean`` and ``add_features``, as a stateless pipeline step.

    ``package`` names the owner's package, so a saved model finds its code wherever that package
    imports (the project's environment installs it); None means the active project's.
    """

    def __init__(self, package: str | None = None):
        self.package = package

    def fit(self, X, y=None):
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True  # stateless: nothing is learned, so it is always ready

    def transform(self, X):
        return apply(pd.DataFrame(X), package=self.package)


def learned_steps() -> list:
    """The user's fold-fitted steps, checked to be scikit-learn transformers."""
    steps = list(getattr(_user(), "learned_steps", lambda: [])() or [])
    for step in steps:
        if not hasattr(step, "fit") or not hasattr(step, "transform"):
            raise ProjectError(
                f"features.learned_steps returned {type(step).__name__}, which is not a "
                "scikit-learn transformer (it needs fit and transform)."
            )
    return steps


def feature_schema(
    schema: dict,
    X: pd.DataFrame,
    test: pd.DataFrame | None,
    y: pd.Series | None = None,
    task: str | None = None,
) -> dict:
    """The schema of the engineered table: original roles kept, added columns described.

    The user's functions run here on train (without its target) and on test, and the learned
    steps are fitted once on the training rows (given ``y`` and ``task``) and applied to the
    test rows, so a mistake shows before any model is fitted; a column they drop leaves the
    schema.
    """
    target = schema["target"]
    engineered = apply(X, table="the training rows", target=target)
    tested = None
    if test is not None:
        features = [c for c in X.columns if c in test.columns]
        tested = apply(test[features], table="the test rows", target=target)
    learned = check_learned_steps(engineered, y, task, tested) if y is not None and task else []
    known = {c["name"]: c for c in schema["columns"]}
    columns = []
    for name in engineered.columns:
        before = known.get(name)
        changed = before is not None and str(engineered[name].dtype) != before.get("dtype")
        # A column clean() converted (text to numbers, say) is described again, role included.
        entry = dict(before if before and not changed else _describe(engineered[name], name))
        entry["in_test"] = bool(tested is not None and name in tested.columns)
        columns.append(entry)
    columns += [c for c in schema["columns"] if c["role"] == "target"]
    added = [str(c) for c in engineered.columns if c not in known]
    dropped = [str(c) for c in X.columns if c not in engineered.columns]
    return {
        **schema,
        "columns": columns,
        "engineered": added,
        "dropped": dropped,
        "learned": learned,
    }


def _describe(values: pd.Series, name: str) -> dict:
    role = column_role(values, len(values))
    entry = {
        "name": name,
        "role": role,
        "missing": float(values.isna().mean()),
        "n_unique": int(values.nunique()),
        "dtype": str(values.dtype),
        "added": True,
    }
    if role == "text":  # how many words decides its features (preprocessing.sentence_columns)
        entry["words"] = round(mean_words(values.dropna().astype(str)), 1)
    return entry


def check_learned_steps(
    engineered: pd.DataFrame, y: pd.Series, task: str, tested: pd.DataFrame | None = None
) -> list[str]:
    """The columns the user's learned steps add, from fitting them once, in order, on all the
    training rows (as the saved model's refit does) and applying them to the test rows.

    Inside cross-validation a failing step would surface as a traceback from deep in
    scikit-learn, and a step that reads a column only train has would score well, then fail at
    predict time; here either is one sentence naming the step. Each step must hand on the table
    it was given (every column, numbers still numbers) and add numbers: the model reads every
    added column as one. (Within the pipeline a log-scale target reaches the steps as log1p(y);
    the raw target here fails or passes alike.)
    """
    frame = engineered
    for step in learned_steps():
        name = type(step).__name__
        step = told_the_task(step, task)
        frame = _handed_on(_run(step.fit_transform, name, "training", frame, y), frame, name)
        if tested is not None:
            tested = _handed_on(_run(step.transform, name, "test", tested), tested, name)
    return [str(c) for c in frame.columns if c not in engineered.columns]


def _run(call, name: str, rows: str, *args):
    """``call(*args)``; the user's step failing becomes one sentence naming it and the rows."""
    try:
        return call(*args)
    except Exception as exc:  # the user's step: any failure becomes one sentence
        hint = ": a learned step may read only columns the test rows have" if rows == "test" else ""
        raise ProjectError(
            f"features.learned_steps: {name} failed on the {rows} rows "
            f"({type(exc).__name__}: {exc}); fix it in {_label()}{hint}."
        ) from exc


def _handed_on(out, frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``out`` if it is ``frame``'s table with numbers added, else a ProjectError."""
    where = _label()
    if not isinstance(out, pd.DataFrame) or len(out) != len(frame):
        raise ProjectError(
            f"features.learned_steps: {name} returned {type(out).__name__}, not the table with "
            f"its {len(frame):,} rows: return a DataFrame (for a scikit-learn transformer, "
            f'`.set_output(transform="pandas")`) in {where}.'
        )
    lost = [c for c in frame.columns if c not in out.columns]
    if lost:
        raise ProjectError(
            f"features.learned_steps: {name} did not hand on column {lost[0]!r}: a learned step "
            f"adds columns and passes the others on unchanged (rename or drop in clean(), {where})."
        )
    numbers = pd.api.types.is_numeric_dtype
    text = [c for c in out.columns if (c not in frame or numbers(frame[c])) and not numbers(out[c])]
    if text:
        raise ProjectError(
            f"features.learned_steps: {name} gives {text[0]!r} values that are not numbers, but "
            "models read learned columns as numbers: compute a number there, or make the column "
            f"in add_features ({where}), where any type gets a role."
        )
    return out
