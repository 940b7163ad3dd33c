"""The terms that push a text model's predictions each way: its largest TF-IDF coefficients.

A linear model on TF-IDF is read directly: a term's coefficient is how much one unit of its
weight moves the log-odds (or the value). The suite has such a model in two places: the linear
model itself (the ``tfidf`` block of its features) and the stacked text score the boosters read
(:class:`..modeling.text.TextScore`), so the terms are found in whichever the saved model holds,
members of a blend included. Word n-grams are listed, since those a reader recognises; character
n-grams add to the predictions but not to the reading.
"""

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

from ..modeling.text import TextScore, term_of

TOP_TERMS = 15
_CHILDREN = ("steps", "transformers_", "estimators_", "regressor_", "estimator_")


def _parts(model):
    """Every estimator inside ``model`` (pipelines, column blocks, blend members), depth first."""
    yield model
    for attribute in _CHILDREN:
        child = getattr(model, attribute, None)
        children = child if isinstance(child, list) else [child] if child is not None else []
        for item in children:
            inner = item[1] if isinstance(item, tuple) else item
            if hasattr(inner, "get_params"):
                yield from _parts(inner)


def _linear_on_tfidf(part) -> tuple | None:
    """(feature names, coefficients, classes) of a pipeline whose model reads a TF-IDF block."""
    if not isinstance(part, Pipeline) or "features" not in part.named_steps:
        return None
    columns = part.named_steps["features"].named_steps.get("columns")
    model = part.steps[-1][1]
    if not isinstance(columns, ColumnTransformer) or not hasattr(model, "coef_"):
        return None
    if "tfidf" not in {name for name, *_ in columns.transformers_}:
        return None
    return columns.get_feature_names_out(), model.coef_, getattr(model, "classes_", None)


def _from_score(part: TextScore) -> tuple:
    return part.vectors_.get_feature_names_out(), part.model_.coef_, part.classes_


def _ranked(names, weights, columns: list[str], top: int) -> dict[str, list[dict]]:
    found = []
    for name, weight in zip(names, weights, strict=True):
        parsed = term_of(str(name).split("__", 1)[-1], columns)
        if parsed and parsed[1] == "word" and weight != 0:
            column, _, term = parsed
            found.append({"column": column, "term": term, "weight": round(float(weight), 4)})
    found.sort(key=lambda t: t["weight"])
    return {"up": found[::-1][:top], "down": found[:top]}


def text_terms(model, text_columns: list[str], top: int = TOP_TERMS) -> list[dict]:
    """Per text model found in ``model``: the terms raising and lowering its prediction.

    Each entry names its source (``linear model`` or ``text score``), and for a classifier the
    class the terms push towards (binary: the positive class; multiclass: one entry per class).
    """
    if not text_columns:
        return []
    found, seen = [], set()
    for part in _parts(model):
        if id(part) in seen:  # the boosters of a blend may share one fitted text score
            continue
        seen.add(id(part))
        read = _from_score(part) if isinstance(part, TextScore) else _linear_on_tfidf(part)
        if read is None:
            continue
        names, coef, classes = read
        source = "text score" if isinstance(part, TextScore) else "linear model"
        coef = np.atleast_2d(coef)
        labels = [classes[-1]] if coef.shape[0] == 1 and classes is not None else classes
        for row, label in zip(coef, labels if labels is not None else [None], strict=False):
            entry = {"source": source, "towards": _plain(label)}
            found.append({**entry, **_ranked(names, row, text_columns, top)})
    return found


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def text_sentences(terms: list[dict], count: int = 5) -> list[str]:
    """One sentence per text model: the words that most raise and lower its prediction."""
    said = []
    for entry in terms:
        up = ", ".join(f"'{t['term']}'" for t in entry["up"][:count])
        down = ", ".join(f"'{t['term']}'" for t in entry["down"][:count])
        if not up and not down:
            continue
        towards = f" {entry['towards']!r}" if entry["towards"] is not None else ""
        said.append(
            f"In the {entry['source']}, the words that most raise the prediction{towards} are "
            f"{up or 'none'}; those that most lower it are {down or 'none'}."
        )
    return said
