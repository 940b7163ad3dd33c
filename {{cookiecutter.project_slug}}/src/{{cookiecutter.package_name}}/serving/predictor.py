"""From validated records to answers: the pipeline's own predictions, warnings, and the log.

The label is ``model.predict`` itself, never an argmax over the probabilities, so the service
agrees with ``make predict`` even for a model whose decision rule is not the most likely class.
Labels keep train's spelling (an int stays an int, ``"yes"`` stays text); probabilities are keyed
by the label's text, since JSON keys are strings.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import is_classifier

from ..errors import ProjectError
from .inputs import Frame, InputField, plain, warnings_for
from .store import PredictionStore


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

    @property
    def classifies(self) -> bool:
        return is_classifier(self.model) and hasattr(self.model, "predict_proba")

    def raw(self, frame: pd.DataFrame) -> list[dict]:
        """Predictions for a frame of raw feature columns, one dict per row."""
        labels = np.asarray(self.model.predict(frame))
        if not self.classifies:
            return [{"prediction": float(value)} for value in labels]
        proba = self.model.predict_proba(frame)
        classes = [str(plain(c)) for c in self.model.classes_]
        return [
            {
                "prediction": plain(label),
                "probabilities": dict(zip(classes, map(float, row), strict=True)),
            }
            for label, row in zip(labels, proba, strict=True)
        ]

    def answer(self, records: list[dict]) -> list[dict]:
        """Predict validated records (column -> value), add warnings, and log them."""
        answers = self.raw(self.frame.build(records))
        for record, answer in zip(records, answers, strict=True):
            answer["warnings"] = warnings_for(record, self.fields)
        if self.store is not None:
            self.store.log(self.version, [_json_record(r) for r in records], answers)
        return answers

    def check(self, example: dict) -> None:
        """Predict one training row at start-up, so a damaged model fails now, in one sentence."""
        try:
            self.raw(self.frame.build([example]))
        except Exception as exc:  # any failure here means the saved model is unusable
            raise ProjectError(
                f"the model cannot predict a row of its own training data ({type(exc).__name__}: "
                f"{exc}); run `make train` to rebuild it."
            ) from exc


def _json_record(record: dict) -> dict:
    return {name: plain(value) for name, value in record.items() if value is not None}
