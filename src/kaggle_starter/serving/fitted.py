"""The loaded model made cheaper to call, with the same answers to the last bit.

scikit-learn (1.6 and later) recomputes an estimator's tags on every call that checks it:
``check_is_fitted``, ``is_classifier`` and the meta-estimators' own ``__sklearn_tags__``
walk the whole tree of steps again, and a ``Pipeline``'s tags deep-copy its last step's. On one
row of the ensemble `make train` saves for the penguins (a linear model and HistGradientBoosting
behind their ``ColumnTransformer``s), that walk ran about 375 times per prediction: an eighth of
the call. A fitted model's tags never change while it is served (they depend on its classes
and parameters, never on the rows), so :func:`freeze_tags` computes each estimator's tags once
and answers them from then on. Tags steer checks and dispatch, not arithmetic: predictions and
probabilities stay bit-identical (the serving tests compare them with the model's own).

No library offers this (scikit-learn has no tag cache), hence the few lines here; they only set
an attribute on the served copy of the model, never on the saved file.
"""

from sklearn.base import BaseEstimator


class _Frozen:
    """Stands in for an estimator's ``__sklearn_tags__`` method: the tags computed at start-up.
    A class, not a lambda, so the model still pickles (joblib, a copy for a worker)."""

    def __init__(self, tags):
        self.tags = tags

    def __call__(self):
        return self.tags


def freeze_tags(model) -> None:
    """Give every estimator inside ``model`` (the model itself, a pipeline's steps, an
    ensemble's fitted members) its tags computed once. An estimator whose tags cannot be
    computed keeps computing them as before (scikit-learn then says why, at prediction)."""
    estimators = list(estimators_in(model, set()))
    tags = {}
    for estimator in estimators:  # all first: a parent's tags read its children's real ones
        try:
            tags[id(estimator)] = estimator.__sklearn_tags__()
        except Exception:  # an estimator of another library without scikit-learn's tags
            continue
    for estimator in estimators:
        if id(estimator) in tags:
            # An instance attribute shadows the class's method for ``estimator.__sklearn_tags__``
            # (scikit-learn's ``get_tags`` calls exactly that); ``super()`` calls are unaffected.
            estimator.__sklearn_tags__ = _Frozen(tags[id(estimator)])


def estimators_in(value, seen: set):
    """The estimators in ``value``, found through attributes, lists, tuples and dicts (fitted
    ones included: an ensemble predicts with ``estimators_``, not its unfitted ``estimators``)."""
    if isinstance(value, BaseEstimator):
        inside = vars(value).values()
    elif isinstance(value, list | tuple):
        inside = value
    elif isinstance(value, dict):
        inside = value.values()
    else:
        return
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, BaseEstimator):
        yield value
    for item in inside:
        yield from estimators_in(item, seen)
