"""Turning the processed tables into a fitted, cross-validated pipeline.

``preprocessing`` builds features from column roles, ``suite`` is the registry of models,
``estimators`` holds the small wrappers that make every library behave alike, ``splits`` the
cross-validation folds and ``validation`` the scoring of a model on them. ``engineering`` and
``learned`` run the owner's features.py; ``ensemble_selection`` is the greedy blending rule and
``ensemble_candidate`` the ensemble as train scores and saves it; ``search`` tunes one model
with Optuna and ``tuned_params`` shares `make tune`'s budget and keeps its result.
"""
