"""Turning the processed tables into a fitted, cross-validated pipeline.

``preprocessing`` builds features from column roles, ``suite`` is the registry of models,
``estimators`` holds the small wrappers that make every library behave alike, ``splits`` the
cross-validation folds and ``validation`` the scoring of a model on them.
"""
