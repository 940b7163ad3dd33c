"""The service over real HTTP: answers equal the pipeline's own, bad input gets a 4xx naming the
problem, and every prediction lands in the SQLite log."""

import http.client
import json
import sqlite3
import threading
import urllib.parse

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import FixedThresholdClassifier

from kaggle_starter.errors import ProjectError
from kaggle_starter.serving.app import create_app
from kaggle_starter.serving.store import (
    PredictionStore,
    served_inputs,
    served_predictions,
)

MAX_RECORDS = 40
MAX_BYTES = 20_000
FEATURES = ["size (cm)", "colour", "member", "note", "seen"]


VERSION = "007-test"


@pytest.fixture(scope="module")
def records(to_records):
    return lambda frame: to_records(frame, FEATURES)


@pytest.fixture(scope="module")
def service(classifier, tmp_path_factory, serve):
    model, schema, card, train = classifier
    store = PredictionStore(tmp_path_factory.mktemp("log") / "predictions.db")
    app = create_app(
        model,
        schema,
        card,
        train,
        store,
        max_records=MAX_RECORDS,
        max_body_bytes=MAX_BYTES,
        version=VERSION,
    )
    with serve(app) as url:
        yield url, store


def test_one_record_answers_as_the_pipeline_does(service, classifier, http, records):
    url, _ = service
    model, _, _, train = classifier
    row = train.iloc[[3]]
    status, body = http(f"{url}/predict", records(row)[0])
    assert status == 200
    assert body["model"] == "hist_gradient_boosting"
    assert body["cv"]["mean"] == 0.8765 and body["cv"]["label"] == "ROC AUC"
    assert body["version"] == VERSION
    (answer,) = body["predictions"]
    assert answer["prediction"] == model.predict(row[FEATURES])[0]
    assert isinstance(answer["prediction"], int)  # spelled as in train: 0/1, not "0" or 0.0
    expected = model.predict_proba(row[FEATURES])[0]
    assert [answer["probabilities"][str(c)] for c in model.classes_] == list(expected)
    assert answer["warnings"] == []


def test_a_batch_with_missing_values_matches_predict_exactly(service, classifier, http, records):
    url, _ = service
    model, _, _, train = classifier
    rows = train.iloc[:MAX_RECORDS]
    assert rows[FEATURES].isna().any().any()
    status, body = http(f"{url}/predict", records(rows))
    assert status == 200
    answers = body["predictions"]
    np.testing.assert_array_equal([a["prediction"] for a in answers], model.predict(rows))
    served = np.array([[a["probabilities"][str(c)] for c in model.classes_] for a in answers])
    np.testing.assert_array_equal(served, model.predict_proba(rows))


def test_unseen_categories_and_values_outside_the_training_range_are_answered_with_warnings(
    service,
    http,
):
    url, _ = service
    status, body = http(
        f"{url}/predict", {"colour": "purple", "size (cm)": 250.0, "seen": "2031-02-03"}
    )
    assert status == 200
    warnings = " ".join(body["predictions"][0]["warnings"])
    assert "'colour' is 'purple', a category not seen in training" in warnings
    assert "'size (cm)' is 250.0, outside the training range" in warnings
    assert "'seen' is 2031-02-03T00:00:00, outside the training range" in warnings


def test_a_boolean_category_accepts_its_json_value_and_its_text(service, classifier, http):
    url, _ = service
    _, first = http(f"{url}/predict", {"member": True, "size (cm)": 9.0})
    _, second = http(f"{url}/predict", {"member": "True", "size (cm)": 9.0})
    assert first["predictions"] == second["predictions"]
    assert first["predictions"][0]["warnings"] == []


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"size (cm)": "tall"}, 422, ["record 1", "'size (cm)'", "valid number", "got text"]),
        ({"size (cm)": True}, 422, ["'size (cm)'", "valid number"]),
        ({"colour": ["red"]}, 422, ["'colour'", "valid string"]),
        ({"seen": "someday"}, 422, ["'seen'", "datetime"]),
        ([{}, {"colur": "red"}], 422, ["record 2", "'colur'", "unknown field", "colour"]),
        ([{}, 7], 422, ["record 2", "JSON object"]),
        ("red", 422, ["JSON object or a list"]),
        ([], 422, ["empty"]),
        ([{}] * (MAX_RECORDS + 1), 413, [f"{MAX_RECORDS + 1}", f"at most {MAX_RECORDS}"]),
    ],
)
def test_bad_records_get_a_4xx_naming_the_field_and_the_problem(service, body, status, words, http):
    url, _ = service
    got, answer = http(f"{url}/predict", body)
    assert got == status
    for word in words:
        assert word in answer["detail"]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", ["empty"]),
        (b"   \n", ["empty"]),
        (b'{"colour": "red",', ["not valid JSON", "line 1"]),
        (b'{"colour": "\xc3\x28"}', ["not UTF-8"]),
    ],
)
def test_empty_and_malformed_bodies_get_400(service, raw, words, http):
    url, _ = service
    status, answer = http(f"{url}/predict", raw=raw)
    assert status == 400
    for word in words:
        assert word in answer["detail"]


def test_a_body_over_the_limit_gets_413_by_its_declared_length(service, http):
    url, _ = service
    body = json.dumps([{"note": "x" * 1000}] * 25).encode()
    assert len(body) > MAX_BYTES
    status, answer = http(f"{url}/predict", raw=body)
    assert status == 413
    assert "more than the 20,000 this service accepts" in answer["detail"]


def test_a_streamed_body_over_the_limit_gets_413_as_it_arrives(service):
    url, _ = service
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    chunks = (b" " * 1000 for _ in range(MAX_BYTES // 1000 + 5))  # no Content-Length sent
    headers = {"Content-Type": "application/json"}
    connection.request("POST", "/predict", body=chunks, headers=headers, encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 413
    assert "over 2" in json.loads(response.read())["detail"]
    connection.close()


def test_every_prediction_is_logged_in_sqlite_in_wal_mode(service, http):
    url, store = service
    before = store.count()
    sent = [{"colour": "green", "size (cm)": 11.5}, {"note": "item beta of batch"}]
    _, body = http(f"{url}/predict", sent)
    assert store.count() == before + 2
    rows = store.rows().tail(2)
    assert list(rows["version"]) == [VERSION, VERSION]
    assert list(rows["inputs"]) == sent
    assert list(rows["outputs"]) == body["predictions"]
    assert served_inputs(rows).columns.tolist() == ["size (cm)", "colour", "note"]
    assert served_predictions(rows).columns.tolist() == ["y_pred", "proba_0", "proba_1"]
    with sqlite3.connect(store.path) as reader:
        assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert reader.execute("SELECT COUNT(*) FROM predictions").fetchone()[0] == store.count()


def test_concurrent_requests_are_all_answered_and_all_logged(service, classifier, http, records):
    url, store = service
    model, _, _, train = classifier
    sent = records(train.iloc[:5])
    before = store.count()
    results = []

    def client():
        for _ in range(10):
            results.append(http(f"{url}/predict", sent))

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in results] == [200] * 80
    expected = model.predict(train.iloc[:5]).tolist()
    assert all([a["prediction"] for a in body["predictions"]] == expected for _, body in results)
    assert store.count() == before + 80 * 5


def test_health_model_card_and_docs(service, classifier, http, records):
    url, _ = service
    _, _, card, train = classifier
    status, health = http(f"{url}/health")
    assert status == 200 and health["status"] == "ok" and health["version"] == VERSION
    assert http(f"{url}/model") == (200, card)
    status, docs = http(f"{url}/docs")
    assert status == 200 and "swagger" in docs.lower()
    assert "https://" not in docs  # Swagger UI's files come from the service, not a CDN
    _, openapi = http(f"{url}/openapi.json")
    record = openapi["components"]["schemas"]["Record"]
    assert record["additionalProperties"] is False
    assert set(record["properties"]) == set(FEATURES)
    assert set(record["properties"]["colour"]["examples"]) == {"red", "green", "blue"}
    assert "known levels" in record["properties"]["colour"]["description"]
    example = openapi["paths"]["/predict"]["post"]["requestBody"]["content"]["application/json"]
    shown = example["examples"]["one record"]["value"]
    assert shown in records(train)  # a real training row


def test_the_schema_endpoint_gives_levels_ranges_and_an_example(service, classifier, http, records):
    url, _ = service
    _, _, _, train = classifier
    _, schema = http(f"{url}/schema")
    fields = {f["name"]: f for f in schema["fields"]}
    assert list(fields) == FEATURES
    assert fields["size (cm)"]["minimum"] == train["size (cm)"].min()
    assert fields["size (cm)"]["maximum"] == train["size (cm)"].max()
    assert set(fields["member"]["levels"]) == {True, False}
    assert fields["seen"]["kind"] == "date" and fields["seen"]["has_time"] is False
    assert schema["example"] in records(train)


def test_the_page_loads_nothing_from_outside(service, http):
    url, _ = service
    status, page = http(f"{url}/")
    assert status == 200 and "<form" in page
    for name in ("page.js", "page.css"):
        status, text = http(f"{url}/{name}")
        assert status == 200 and text
        page += text
    assert "http://" not in page and "https://" not in page and "//" + "cdn" not in page
    with __import__("urllib.request").request.urlopen(f"{url}/") as response:
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_a_regressor_answers_its_value(regressor, serve, http, records):
    model, schema, card, train = regressor
    app = create_app(model, schema, card, train, None, version="r1")
    rows = train.iloc[:10]
    with serve(app) as url:
        status, body = http(f"{url}/predict", records(rows))
    assert status == 200
    values = [a["prediction"] for a in body["predictions"]]
    np.testing.assert_array_equal(values, model.predict(rows))
    assert "probabilities" not in body["predictions"][0]


def test_a_classifier_with_its_own_decision_rule_keeps_it(classifier, serve, http, records):
    """A tuned threshold is not the most probable class: the labels still come from predict."""
    model, schema, card, train = classifier
    X, y = train[FEATURES], train["label"]
    tuned = FixedThresholdClassifier(FrozenEstimator(model), threshold=0.99).fit(X, y)
    differs = tuned.predict(X) != model.predict(X)
    rows = pd.concat([train[differs].head(10), train[~differs].head(10)])
    assert differs.sum() >= 10
    with serve(create_app(tuned, schema, card, train, version="tuned")) as url:
        _, body = http(f"{url}/predict", records(rows))
    served = [a["prediction"] for a in body["predictions"]]
    np.testing.assert_array_equal(served, tuned.predict(rows[FEATURES]))


def test_the_cards_threshold_labels_as_make_predict_does(classifier, serve, http, records):
    """Training chose a threshold for an F1-type metric: the service labels by it, not by
    predict, exactly as make predict writes the submission (submission.predictions)."""
    model, schema, card, train = classifier
    threshold = {"value": 0.1, "positive": "1", "metric": "f1"}
    proba = model.predict_proba(train[FEATURES])[:, list(model.classes_).index(1)]
    differs = (proba >= 0.1) & (model.predict(train[FEATURES]) == 0)
    rows = pd.concat([train[differs].head(3), train[~differs].head(5)])
    assert differs.sum() >= 3
    with_threshold = {**card, "threshold": threshold}
    with serve(create_app(model, schema, with_threshold, train, version="f1")) as url:
        _, body = http(f"{url}/predict", records(rows))
    served = [a["prediction"] for a in body["predictions"]]
    expected = np.where(model.predict_proba(rows[FEATURES])[:, 1] >= 0.1, 1, 0)
    np.testing.assert_array_equal(served, expected)
    assert served[:3] == [1] * 3


def test_a_model_that_cannot_predict_is_one_sentence_at_start_up(classifier):
    model, schema, card, train = classifier
    with pytest.raises(ProjectError, match="cannot predict a row of its own training data"):
        create_app(clone(model), schema, card, train, version="broken")


def test_a_text_longer_than_serve_max_text_chars_is_a_422_naming_the_field_and_the_limit(
    classifier, serve, http
):
    """Training's notes are 18 to 19 characters: with a limit of 12 the published example is cut
    to 12 (so the service still starts), 12 characters are answered and 13 are refused."""
    model, schema, card, train = classifier
    app = create_app(model, schema, card, train, None, max_text_chars=12, version="text")
    with serve(app) as url:
        _, described = http(f"{url}/schema")
        fitting = http(f"{url}/predict", {"note": "x" * 12})
        status, answer = http(f"{url}/predict", [{}, {"note": "y" * 13, "colour": "red"}])
        _, openapi = http(f"{url}/openapi.json")
    fields = {f["name"]: f for f in described["fields"]}
    assert fields["note"]["max_chars"] == 12 and len(described["example"]["note"]) == 12
    assert "max_chars" not in fields["colour"]
    assert fitting[0] == 200
    assert status == 422
    assert answer["detail"] == (
        "record 2, field 'note': the text is 13 characters, more than the 12 this service "
        "accepts (serve.max_text_chars)."
    )
    note = openapi["components"]["schemas"]["Record"]["properties"]["note"]
    assert "at most 12 characters" in note["description"]
    assert {"type": "string", "maxLength": 12} in note["anyOf"]
