"""Small scikit-learn estimators that let every library of the suite behave the same way.

scikit-learn clones an estimator for every fold and reads ``classes_`` to spell predictions; two
boosters do not play along out of the box, so they are wrapped here rather than special-cased in
training, interpretation and prediction.
"""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin, clone
from sklearn.preprocessing import LabelEncoder


class ColumnWise(TransformerMixin, BaseEstimator):
    """A transformer that learns nothing but the names of its columns, which its feature names
    are built from (date parts, text statistics)."""

    def fit(self, X, y=None):
        self.columns_ = [str(c) for c in pd.DataFrame(X).columns]
        self.n_features_in_ = len(self.columns_)
        return self


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
