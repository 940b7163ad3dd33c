"""Serving: the fitted pipeline answers over HTTP, with validated inputs and a try-it page.

``app.create_app`` builds the FastAPI app from objects (model, schema, card, training table);
``inputs`` generates the request model from the schema; ``body`` reads and checks a request
body; ``predictor`` turns records into answers; ``store`` logs answers to SQLite for
``make monitor``, best effort; ``limits`` refuses oversized bodies and foreign host names.
``page.html``/``page.js``/``page.css`` are the page served at ``GET /``, ``docs.html``/``docs.js``
Swagger UI's at ``/docs``.
"""
