"""Serving: the fitted pipeline answers over HTTP, with validated inputs and a try-it page.

``app.create_app`` builds the FastAPI app from objects (model, schema, card, training table);
``inputs`` generates the request model from the schema; ``predictor`` turns records into
answers; ``store`` logs every answer to SQLite for ``make monitor``; ``limits`` refuses
oversized bodies. ``page.html``/``page.js``/``page.css`` are the page served at ``GET /``.
"""
