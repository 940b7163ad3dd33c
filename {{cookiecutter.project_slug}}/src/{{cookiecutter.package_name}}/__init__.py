"""This project's own code: ``features.py`` holds the cleaning and features every model runs.

The stages themselves come from the kaggle-starter engine, installed and pinned in
pyproject.toml; this package is what is yours.
"""
