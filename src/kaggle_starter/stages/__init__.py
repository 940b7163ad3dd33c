"""The stages, one file each, in the order `make all` runs them: the single list of them.

Each module here has ``run(cfg, *, force=False)`` first, and the same skeleton: read artifacts
(through :mod:`..artifacts`), call library code from the package's folders, write through
:mod:`..files`, say what was done. To add a stage, copy a neighbour (``predict.py`` is the
smallest), add a row below and a rule to the Makefile; a test holds the Makefile's help to the
words here.

This module only lists facts: it imports no stage, so reading the list costs nothing.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    """One make target: its help line, the file make treats as its output (None: no file), and
    the settings it reads (attributes of :class:`..config.Config`).

    ``reads`` is what makes reruns exact: make redoes a stage when one of these settings changes,
    and not for an edit elsewhere in config.yaml. A test runs each stage on a config that records
    what is read, so a stage that reads more than it declares fails there, not silently here.
    """

    name: str
    help: str
    target: str | None
    reads: tuple[str, ...] = ()


TARGET = ("target", "task", "metric")  # what is predicted, and how it is judged
FOLDS = ("cv_folds", "cv_seed", "cv_strategy", "group_column", "time_column")

STAGES = {
    stage.name: stage
    for stage in (
        Stage(
            "data",
            "fetch into data/raw, verify, detect target/id/task/metric (FORCE=1 fetches again)",
            "data/processed/schema.json",
            ("source", "ref", "answers"),
        ),
        Stage(
            "profile",
            "profiling report of train (and train vs test)",
            "reports/profile.html",
            ("project", "target", "profile_mode", "cv_seed", "profile_samples"),
        ),
        Stage(
            "eda",
            "build, execute and export the EDA notebook",
            "reports/eda.html",
            ("project", "source", "ref", "target", "task", "metric", "cv_seed", "profile_samples"),
        ),
        Stage(
            "train",
            "cross-validate the baseline suite and save the best model",
            "reports/metrics.json",
            (*TARGET, *FOLDS, "models", "log_target", "ensemble"),
        ),
        Stage(
            "tune",
            "search the boosters' parameters for tune.seconds; make train then uses them",
            "models/tuned_params.json",
            (*TARGET, *FOLDS, "models", "log_target", "tune_seconds"),
        ),
        Stage(
            "interpret",
            "permutation importance, SHAP, partial dependence figures",
            "reports/interpretation.json",
            (*TARGET, *FOLDS, "interpret_rows"),
        ),
        Stage(
            "predict",
            "write the submission in the sample submission's format",
            "submissions/submission.csv",
            (*TARGET, "id"),
        ),
        Stage(
            "submit",
            'send the submission to Kaggle (MESSAGE="..." adds a note, FORCE=1 resends)',
            None,
        ),
        Stage("report", "fill the README results block from the artifacts", None),
        Stage(
            "runs",
            "print the run history: note, best model, score ± std, change vs previous and best",
            None,
            ("metric",),
        ),
        Stage(
            "serve",
            "serve the model over HTTP: try-it page, POST /predict, /docs (PORT=8001 overrides)",
            None,
            (
                "target",
                "serve_host",
                "serve_port",
                "serve_max_records",
                "serve_max_body_bytes",
                "serve_max_text_chars",
            ),
        ),
        Stage(
            "monitor",
            "drift of served rows (or BATCH=file.csv) against train: reports/monitoring.html",
            "reports/monitoring.json",
            ("target", "cv_seed"),
        ),
        Stage(
            "site",
            "the portfolio as a static website in site/, from the committed reports (GitHub Pages)",
            "site/index.html",
            ("project", "source", "ref", "cv_folds", "cv_seed", "serve_public_url"),
        ),
    )
}
