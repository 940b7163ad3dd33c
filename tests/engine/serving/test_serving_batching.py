"""Concurrent requests share one prediction, and each still gets exactly its own answers and its
own errors.

The model sits behind a gate the test holds shut: the first request waits inside the prediction
while the others queue, so which requests form a batch is decided by the test, not by timing.
"""

import threading
import time

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from kaggle_starter.serving.app import create_app

FEATURES = ["size (cm)", "colour", "member", "note", "seen"]
NOT_FINITE = 666.0  # the size for which the gate answers NaN probabilities
FAILS = 13.25  # the size the owner's step below cannot handle
WAIT_S = 30  # how long a test waits for the server to reach a state before it fails


class Gate(ClassifierMixin, BaseEstimator):
    """The fitted classifier behind a gate: each call notes its rows, says it is inside, and
    waits until the gate opens; a size of NOT_FINITE answers NaN."""

    def __init__(self, inner=None):
        self.inner = inner

    def fit(self, X, y=None):
        self.classes_ = self.inner.classes_
        self.calls, self.inside, self.open = [], threading.Event(), threading.Event()
        self.open.set()
        return self

    def predict_proba(self, X):
        self.calls.append(len(X))
        self.inside.set()
        self.open.wait(WAIT_S)
        proba = self.inner.predict_proba(X)
        proba[X["size (cm)"].to_numpy() == NOT_FINITE] = np.nan
        return proba

    def predict(self, X):
        return self.inner.predict(X)


def boom(X):
    """An owner's features.py step that fails on one value."""
    if (X["size (cm)"] == FAILS).any():
        raise ZeroDivisionError("division by zero in make_features")
    return X


def ranked(X):
    """An owner's step that makes a row's features depend on the rows beside it."""
    return X.assign(**{"size (cm)": X["size (cm)"].rank()})


def gated(classifier, step=None):
    model, schema, card, train = classifier
    gate = Gate(model)
    steps = [("owner", FunctionTransformer(step))] if step else []
    pipeline = Pipeline([*steps, ("model", gate)]).fit(train[FEATURES], train["label"])
    return create_app(pipeline, schema, card, train, version="gated"), gate


def until(condition) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the server never reached the state this test waits for")
        time.sleep(0.01)


def in_one_go(url: str, app, gate: Gate, bodies: list, http) -> tuple[list, list[int]]:
    """Send a first request and hold it inside the prediction; queue ``bodies`` behind it; open
    the gate. Returns the (status, answer) of each of ``bodies`` and the rows of each call."""
    gate.open.clear()
    gate.inside.clear()
    gate.calls.clear()
    results = [None] * len(bodies)
    first = threading.Thread(target=http, args=(f"{url}/predict", {"size (cm)": 1.0}))
    first.start()
    until(gate.inside.is_set)

    def send(i: int) -> None:
        results[i] = http(f"{url}/predict", bodies[i])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    until(lambda: app.state.batcher.waiting() == len(bodies))
    gate.open.set()
    for thread in [first, *threads]:
        thread.join(WAIT_S)
    return results, gate.calls[1:]


def one_by_one(model, rows):
    return model.predict(rows[FEATURES]).tolist(), model.predict_proba(rows[FEATURES])


def test_concurrent_requests_are_predicted_together_and_each_gets_its_own_answers(
    classifier, serve, http, to_records
):
    model, _, _, train = classifier
    app, gate = gated(classifier)
    chunks = [train.iloc[i : i + size] for i, size in ((0, 1), (5, 3), (20, 1), (40, 2), (60, 1))]
    with serve(app) as url:
        results, calls = in_one_go(url, app, gate, [to_records(c, FEATURES) for c in chunks], http)
    assert calls == [sum(len(c) for c in chunks)]  # the five requests: one prediction
    for (status, body), rows in zip(results, chunks, strict=True):
        assert status == 200
        labels, proba = one_by_one(model, rows)
        assert [a["prediction"] for a in body["predictions"]] == labels
        served = [[a["probabilities"][str(c)] for c in model.classes_] for a in body["predictions"]]
        np.testing.assert_allclose(served, proba, rtol=1e-12)


def test_a_bad_record_in_a_batch_fails_only_its_own_request(classifier, serve, http, to_records):
    model, _, _, train = classifier
    app, gate = gated(classifier, boom)
    good = to_records(train.iloc[:2], FEATURES)
    bodies = [good, {"size (cm)": FAILS}, good[:1], {"size (cm)": NOT_FINITE}]
    with serve(app) as url:
        failing, _ = in_one_go(url, app, gate, bodies, http)
        # Without the failing record the batch is predicted in one call; the NaN is still its own.
        batched, calls = in_one_go(url, app, gate, [good, {"size (cm)": NOT_FINITE}, good], http)
    assert [status for status, _ in failing] == [200, 500, 200, 500]
    assert "ZeroDivisionError: division by zero in make_features" in failing[1][1]["detail"]
    assert "record 1 is not a finite number" in failing[3][1]["detail"]
    assert calls == [5]
    assert [status for status, _ in batched] == [200, 500, 200]
    labels, _ = one_by_one(model, train.iloc[:2])
    for _, body in [failing[0], batched[0], batched[2]]:
        assert [a["prediction"] for a in body["predictions"]] == labels


def test_a_model_whose_rows_depend_on_each_other_predicts_each_request_alone(
    classifier, serve, http, to_records
):
    app, gate = gated(classifier, ranked)
    bodies = [to_records(classifier[3].iloc[i : i + 3], FEATURES) for i in (0, 10, 20)]
    with serve(app) as url:
        results, calls = in_one_go(url, app, gate, bodies, http)
    assert calls == [3, 3, 3]
    assert [status for status, _ in results] == [200, 200, 200]


@pytest.mark.parametrize("jobs", [2, -1])
def test_a_served_booster_predicts_on_one_thread_with_the_same_answers(classifier, jobs):
    """LightGBM sizes its OpenMP team from n_jobs on each call, past any thread limit."""
    from lightgbm import LGBMClassifier
    from sklearn.ensemble import VotingClassifier

    from kaggle_starter.serving.batcher import single_threaded

    _, _, _, train = classifier
    X, y = train[["size (cm)"]], train["label"]
    booster = LGBMClassifier(n_estimators=5, n_jobs=jobs, verbose=-1)
    voting = VotingClassifier([("lightgbm", booster)], voting="soft").fit(X, y)
    before = voting.predict_proba(X)
    single_threaded(voting)
    assert voting.estimators_[0].n_jobs == 1  # the fitted member, the one that predicts
    np.testing.assert_array_equal(voting.predict_proba(X), before)


def test_a_failing_prediction_fails_only_its_batch_and_the_thread_predicts_on():
    """A fault of answer_all (an exception, or a wrong number of answers) reaches every request
    of its batch as an exception; nothing is left waiting, and the next batch is answered."""
    from kaggle_starter.serving.batcher import Batcher

    def answer_all(requests):
        kinds = {record["kind"] for records in requests for record in records}
        if "raise" in kinds:
            raise RuntimeError("the model broke")
        if "short" in kinds:
            return []
        return [[len(records)] for records in requests]

    batcher = Batcher(answer_all)
    try:
        for kind, fault in (("raise", "the model broke"), ("short", "0 answers for 1 requests")):
            with pytest.raises(RuntimeError, match=fault):
                batcher.submit([{"kind": kind}]).result(timeout=WAIT_S)
        assert batcher.submit([{"kind": "fine"}] * 3).result(timeout=WAIT_S) == [3]
    finally:
        batcher.close()


def test_closing_answers_the_queued_requests_and_refuses_later_ones():
    from kaggle_starter.serving.batcher import Batcher
    from kaggle_starter.serving.body import Problem

    inside, release = threading.Event(), threading.Event()

    def answer_all(requests):
        inside.set()
        release.wait(WAIT_S)
        return [[records[0]["n"]] for records in requests]

    batcher = Batcher(answer_all)
    first = batcher.submit([{"n": 0}])
    until(inside.is_set)  # the first batch is being predicted; these queue behind it
    queued = [batcher.submit([{"n": n}]) for n in (1, 2, 3)]
    closing = threading.Thread(target=batcher.close)
    closing.start()
    until(lambda: batcher._closed)
    release.set()
    closing.join(WAIT_S)
    assert not closing.is_alive()
    assert [f.result(timeout=0) for f in (first, *queued)] == [[0], [1], [2], [3]]
    with pytest.raises(Problem, match="the service is stopping") as refused:
        batcher.submit([{"n": 4}]).result(timeout=WAIT_S)
    assert refused.value.status == 503


def test_a_lone_request_is_predicted_at_once_however_long_a_batch_may_wait():
    """A batch waits only for requests still being read: not for one already queued (here the
    request that starts the batch), and not at all when nothing else is on its way."""
    from kaggle_starter.serving.batcher import Batcher

    batcher = Batcher(lambda requests: [[len(r)] for r in requests], wait_s=WAIT_S)
    try:
        started = time.monotonic()
        with batcher.arriving() as submit:
            answered = submit([{}])
            assert answered.result(timeout=WAIT_S / 3) == [1]  # inside: still counted before
        with batcher.arriving():
            pass  # a request refused while being read (a 4xx) counts no longer
        assert batcher._arriving == 0
        assert batcher.submit([{}, {}]).result(timeout=WAIT_S / 3) == [2]
        assert time.monotonic() - started < 2
    finally:
        batcher.close()


def test_thread_limits_that_cannot_be_set_still_leave_a_predicting_thread(monkeypatch):
    from kaggle_starter.serving import batcher as batching

    def refused(limits):
        raise OSError("no such library")

    monkeypatch.setattr(batching, "threadpool_limits", refused)
    batcher = batching.Batcher(lambda requests: [[len(r)] for r in requests])
    try:
        assert batcher.submit([{}]).result(timeout=WAIT_S) == [1]
    finally:
        batcher.close()
