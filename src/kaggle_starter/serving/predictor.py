"""From validated records to answers: the pipeline's own predictions, warnings, and the log.

The label is ``model.predict`` itself, never an argmax over the probabilities, so the service
agrees with ``make predict`` even for a model whose decision rule is not the most likely class;
when training chose a decision threshold for an F1-type metric (the model card's ``threshold``),
the label is the positive class from that probability on, as ``make predict`` labels it.
Labels keep train's spelling (an int stays an int, ``"yes"`` stays text); probabilities are keyed
by the label's text, since JSON keys are strings.

Requests are validated before they reach the pipeline (numbers finite, dates in pandas' range),
so scikit-learn's own per-call checks (finite values, estimator parameters) are repeated work:
skipping them cuts about a fifth of a one-row prediction (7.2 ms -> 5.9 ms measured on the
penguins). The setting is scikit-learn's per-thread configuration, so it is made by
``config_context`` around each prediction, on the worker thread that runs it; a ``set_config``
at start-up would hold only for the main thread, which never predicts.

A pipeline that fails on a valid record (the project's features.py dividing by zero, say) or
answers NaN or infinity is a fault of the server, not of the request: a 500 whose JSON names the
cause, and one line in the server's output.

Concurrent requests are predicted together (:mod:`.batcher`), which is only right when a row's
answer does not depend on the rows beside it: true of scikit-learn's fitted steps, not of an
owner's features.py that, say, divides by a column's mean over the frame. So start-up predicts
training rows together and in two halves, and batches only if every answer agrees; otherwise
each request is predicted on its own, as it always was. A batch whose prediction fails is
predicted again request by request, so only the request holding the bad record gets the 500.
"""

import functools
import itertools
import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sklearn
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline

from ..errors import ProjectError
from ..modeling.threshold import apply_threshold
from .body import Problem
from .inputs import Frame, InputField, plain, warnings_for
from .store import PredictionStore

LOG = logging.getLogger(__name__)
SHOWN_REASON = 200  # characters of an exception's message quoted in an answer


def model_columns(model, fields: list[InputField]) -> list[str]:
    """The columns the pipeline was fitted on (its own record when it keeps one)."""
    names = getattr(model, "feature_names_in_", None)
    return [str(c) for c in names] if names is not None else [spec.name for spec in fields]


@dataclass
class Predictor:
    model: object
    fields: list[InputField]
    frame: Frame
    version: str
    store: PredictionStore | None = None
    label_is_argmax: bool = False
    rows_independent: bool = False  # whether requests may share one prediction (learn)
    threshold: dict | None = None  # the model card's, for a binary F1-type metric

    @functools.cached_property
    def classifies(self) -> bool:
        # Once: scikit-learn's is_classifier walks the model's tags on each call.
        return is_classifier(self.model) and hasattr(self.model, "predict_proba")

    def _final(self, frame: pd.DataFrame):
        """(estimator, its input): a pipeline's steps run once for both predict and
        predict_proba, which is exactly what ``Pipeline.predict`` does, at half the cost."""
        if isinstance(self.model, Pipeline) and len(self.model.steps) > 1:
            return self.model.steps[-1][1], self.model[:-1].transform(frame)
        return self.model, frame

    def raw(self, frame: pd.DataFrame) -> list[dict]:
        """Predictions for a frame of raw feature columns, one dict per row."""
        estimator, features = self._final(frame)
        if not self.classifies:
            return [{"prediction": float(value)} for value in estimator.predict(features)]
        proba = estimator.predict_proba(features)
        if self.threshold and len(estimator.classes_) == 2:
            labels = apply_threshold(proba, estimator.classes_, self.threshold)
        elif self.label_is_argmax:
            labels = estimator.classes_[np.argmax(proba, axis=1)]
        else:
            labels = np.asarray(estimator.predict(features))
        classes = [str(plain(c)) for c in self.model.classes_]
        return [
            {
                "prediction": plain(label),
                "probabilities": dict(zip(classes, map(float, row), strict=True)),
            }
            for label, row in zip(labels, proba, strict=True)
        ]

    def learn(self, frame: pd.DataFrame) -> None:
        """Learn, on training rows, whether the labels may come from the probabilities and
        whether requests may share a prediction (see the module's docstring)."""
        self.label_is_argmax = self._label_is_argmax(frame)
        self.rows_independent = self._rows_independent(frame)
        if not self.rows_independent:
            LOG.warning(
                "The model's answer for a row depends on the other rows predicted with it (does "
                "features.py compute over the whole table?): requests are predicted one at a "
                "time, and a request's records still affect each other."
            )

    def _label_is_argmax(self, frame: pd.DataFrame) -> bool:
        """Use the most probable class as the label when ``predict`` says exactly that.

        Scikit-learn's classifiers (and the boosters) define ``predict`` as the argmax of
        ``predict_proba``, yet computing both costs twice: HistGradientBoosting re-encodes its
        categories in each. So the rule is checked on training rows at start-up, and a model
        whose ``predict`` differs on any of them (a tuned threshold, hard voting) keeps calling
        ``predict``.
        """
        if not self.classifies or frame.empty:
            return False
        estimator, features = self._final(frame)
        argmax = estimator.classes_[np.argmax(estimator.predict_proba(features), axis=1)]
        return bool(np.array_equal(argmax, estimator.predict(features)))

    def _rows_independent(self, frame: pd.DataFrame) -> bool:
        """Whether the rows predicted together get the answers they get in two halves (every
        other row), to the last bits a different number of rows may change."""
        if len(frame) < 2:
            return False
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            whole = self.raw(frame)
            apart = self.raw(frame.iloc[::2]) + self.raw(frame.iloc[1::2])
        together = whole[::2] + whole[1::2]
        return all(_same(a, b) for a, b in zip(together, apart, strict=True))

    def answer_all(self, requests: list[list[dict]]) -> list[list[dict] | Problem]:
        """Each request's answers, with warnings, logged; or the Problem that request gets.
        Validated records (column -> value) only: nothing here checks them again."""
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            results = self._predict_all(requests)
        for records, answers in zip(requests, results, strict=True):
            if isinstance(answers, list):
                self._finish(records, answers)
        return results

    def _finish(self, records: list[dict], answers: list[dict]) -> None:
        for record, answer in zip(records, answers, strict=True):
            answer["warnings"] = warnings_for(record, self.fields)
        if self.store is not None:
            self.store.log(self.version, [_json_record(r) for r in records], answers)

    def _predict_all(self, requests: list[list[dict]]) -> list[list[dict] | Problem]:
        """One prediction for all the requests when their rows are independent; when it fails
        (a record breaks the pipeline), or when rows are not independent, one per request."""
        if len(requests) > 1 and self.rows_independent:
            try:
                answers = self.raw(self.frame.build([r for records in requests for r in records]))
            except Exception:  # some request's record: each is predicted alone to find which
                pass
            else:
                return [_checked(part) for part in _split(answers, requests)]
        return [self._predict(records) for records in requests]

    def _predict(self, records: list[dict]) -> list[dict] | Problem:
        try:
            answers = self.raw(self.frame.build(records))
        except Exception as exc:  # the owner's code or the pipeline, on a record that validated
            reason = f"{type(exc).__name__}: {str(exc)[:SHOWN_REASON]}"
            LOG.warning("The model failed on a request (%s).", reason)
            return Problem(
                500,
                f"the model failed on this request ({reason}): the pipeline or the project's "
                "features.py cannot handle these values.",
            )
        return _checked(answers)

    def check(self, example: dict) -> None:
        """Predict one training row at start-up, so a damaged model fails now, in one sentence."""
        try:
            self.raw(self.frame.build([example]))
        except Exception as exc:  # any failure here means the saved model is unusable
            raise ProjectError(
                f"the model cannot predict a row of its own training data ({type(exc).__name__}: "
                f"{exc}); run `make train` to rebuild it."
            ) from exc


def _checked(answers: list[dict]) -> list[dict] | Problem:
    """The answers, or a Problem naming the first that is not a finite number."""
    for number, answer in enumerate(answers, start=1):
        if not _finite(answer):
            LOG.warning("The model answered a non-finite number for a request.")
            return Problem(
                500,
                f"the model's answer for record {number} is not a finite number: the "
                "pipeline or the project's features.py produces NaN or infinity for it.",
            )
    return answers


def _split(answers: list[dict], requests: list[list[dict]]) -> list[list[dict]]:
    """The answers of one prediction cut back into each request's own."""
    ends = list(itertools.accumulate(len(records) for records in requests))
    return [answers[end - len(records) : end] for records, end in zip(requests, ends, strict=True)]


def _same(a: dict, b: dict) -> bool:
    """The same answer, numbers equal but for rounding (a BLAS call on more rows may differ in
    the last bits); a different label or key is a different answer."""
    left, right = a.get("probabilities") or {}, b.get("probabilities") or {}
    return (
        _close(a["prediction"], b["prediction"])
        and left.keys() == right.keys()
        and all(_close(left[k], right[k]) for k in left)
    )


def _close(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def _finite(answer: dict) -> bool:
    numbers = answer.get("probabilities") or {"prediction": answer["prediction"]}
    return all(not isinstance(v, float) or math.isfinite(v) for v in numbers.values())


def _json_record(record: dict) -> dict:
    return {name: plain(value) for name, value in record.items() if value is not None}
