"""The served ensemble answers exactly what the model itself answers: the start-up changes that
make a prediction cheaper (tags computed once, one thread) change no bit of it."""

import pickle

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import get_tags

from kaggle_starter.serving.app import create_app
from kaggle_starter.serving.fitted import estimators_in, freeze_tags

FEATURES = ["size (cm)", "colour", "member", "note", "seen"]


def test_the_served_ensemble_answers_the_models_own_probabilities_to_the_bit(
    ensemble, serve, http, to_records
):
    model, schema, card, train = ensemble
    rows = train.iloc[:12]
    # Row by row for the one-record requests: BLAS may round a row differently beside others.
    alone_proba = [model.predict_proba(rows[FEATURES].iloc[[i]])[0] for i in range(len(rows))]
    expected = np.vstack([alone_proba, model.predict_proba(rows[FEATURES])])
    labels = model.predict(rows[FEATURES]).tolist()
    served = pickle.loads(pickle.dumps(model))  # the app changes its own copy, as serve's load
    with serve(create_app(served, schema, card, train, version="blend")) as url:
        alone = [http(f"{url}/predict", record)[1] for record in to_records(rows, FEATURES)]
        together = http(f"{url}/predict", to_records(rows, FEATURES))[1]
    answers = [body["predictions"][0] for body in alone] + together["predictions"]
    classes = [str(c) for c in model.classes_]
    # JSON keeps a float's shortest exact spelling: equal here means equal to the last bit.
    got = [[answer["probabilities"][c] for c in classes] for answer in answers]
    assert got == expected.tolist()
    assert [answer["prediction"] for answer in answers] == labels + labels


def test_frozen_tags_are_the_models_own_and_the_model_still_pickles(ensemble):
    model, _, _, train = ensemble
    X = train[FEATURES].iloc[:40]
    before = {id(e): get_tags(e) for e in estimators_in(model, set())}
    proba = model.predict_proba(X)
    copy = pickle.loads(pickle.dumps(model))
    freeze_tags(copy)
    pairs = zip(estimators_in(model, set()), estimators_in(copy, set()), strict=True)
    for original, frozen in pairs:
        assert get_tags(frozen) == before[id(original)]
    assert is_classifier(copy)
    np.testing.assert_array_equal(copy.predict_proba(X), proba)
    again = pickle.loads(pickle.dumps(copy))  # a frozen model pickles, and answers the same
    np.testing.assert_array_equal(again.predict_proba(X), proba)
