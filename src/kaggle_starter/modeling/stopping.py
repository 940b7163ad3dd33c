"""The huge table's boosters, which hold out a tenth of their rows and stop on it by themselves.

HistGradientBoosting holds out a tenth of its training rows and stops once ten rounds in a row
have not improved the loss on them; LightGBM's scikit-learn interface stops only when ``fit`` is
handed an eval set, and a pipeline's caller has none to hand it (its rows are preprocessed
inside). On a huge table (``suite.HUGE_ROWS``) the suite's two boosters are these subclasses,
whose ``fit`` holds the tenth out itself, chosen the same way for both
(:func:`.estimators.held_out_rows`): they stop alike wherever they are fitted (the folds, the
refit, an ensemble's members, interpretation's refits), and each fitted object is still its
library's estimator to prediction, SHAP and pickling. A caller that passes fit arguments of its
own (``make tune``'s eval set and callbacks) is passed straight through."""

import contextlib
import inspect
import warnings

import numpy as np
from lightgbm import LGBMClassifier, LGBMModel, LGBMRegressor, early_stopping
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from .estimators import held_out_rows, take_rows

HOLDOUT = 0.1  # HistGradientBoosting's validation_fraction
PATIENCE = 10  # HistGradientBoosting's n_iter_no_change


def _fit_stopping(fit, model: LGBMModel, X, y, kwargs: dict, classify: bool):
    """``fit`` on nine tenths of the rows, stopping on the held-out tenth's loss
    (:func:`.estimators.held_out_rows`, seeded by the model's ``random_state``). Any fit
    argument (an eval set, weights) means the caller decides, and passes straight through."""
    if kwargs:
        return fit(X, y, **kwargs)
    labels = np.asarray(y)
    kept, held = held_out_rows(labels, HOLDOUT, model.random_state, classify)
    stop = [early_stopping(PATIENCE, verbose=False)]
    with eval_set_allowed():
        evaluation = held_out_params(take_rows(X, held), labels[held])
        return fit(take_rows(X, kept), labels[kept], **evaluation, callbacks=stop)


def held_out_params(X_held, y_held) -> dict:
    """The fit keywords that hand LightGBM its held-out rows: ``eval_set`` while it exists.

    LightGBM 4.7 deprecates ``eval_set`` for ``eval_X`` / ``eval_y``, but its classifier
    label-encodes only ``eval_set``'s labels (``eval_y`` reaches the booster as "yes" / "no"
    and the fit fails), so ``eval_X`` is used only by a LightGBM without ``eval_set``. Fit
    inside :func:`eval_set_allowed`.
    """
    if "eval_set" in inspect.signature(LGBMModel.fit).parameters:
        return {"eval_set": [(X_held, y_held)]}
    return {"eval_X": X_held, "eval_y": y_held}


@contextlib.contextmanager
def eval_set_allowed():
    """Silences LightGBM 4.7's deprecation warning for ``eval_set`` (see held_out_params)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The argument 'eval_set' is deprecated")
        yield


class StoppingLGBMRegressor(LGBMRegressor):
    """LGBMRegressor that holds out a tenth of its rows and stops on them (see the module)."""

    def fit(self, X, y, **kwargs):
        return _fit_stopping(super().fit, self, X, y, kwargs, classify=False)


class StoppingLGBMClassifier(LGBMClassifier):
    """LGBMClassifier that holds out a tenth of its rows and stops on them (see the module)."""

    def fit(self, X, y, **kwargs):
        return _fit_stopping(super().fit, self, X, y, kwargs, classify=True)


def _fit_hgb_stopping(fit, model, X, y, kwargs: dict, classify: bool):
    """HistGradientBoosting's ``fit`` with the held-out tenth passed as ``X_val`` / ``y_val``.

    Its own early stopping splits the table after converting it to float64, so it holds the
    float64 table and its nine tenths at once (2 GB at ten million rows x 13 columns, the peak
    of the refit); split here, the float32 matrix's nine tenths are converted instead, and the
    tenth is chosen as LightGBM's is (every class on the fitting side).
    """
    if kwargs:
        return fit(X, y, **kwargs)
    labels = np.asarray(y)
    kept, held = held_out_rows(labels, HOLDOUT, model.random_state, classify)
    X_held, y_held = take_rows(X, held), labels[held]
    return fit(take_rows(X, kept), labels[kept], X_val=X_held, y_val=y_held)


class StoppingHGBRegressor(HistGradientBoostingRegressor):
    """HistGradientBoostingRegressor stopping on a held-out tenth chosen here (see
    :func:`_fit_hgb_stopping`)."""

    def fit(self, X, y, **kwargs):
        return _fit_hgb_stopping(super().fit, self, X, y, kwargs, classify=False)


class StoppingHGBClassifier(HistGradientBoostingClassifier):
    """HistGradientBoostingClassifier stopping on a held-out tenth chosen here (see
    :func:`_fit_hgb_stopping`)."""

    def fit(self, X, y, **kwargs):
        return _fit_hgb_stopping(super().fit, self, X, y, kwargs, classify=True)
