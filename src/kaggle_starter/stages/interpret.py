"""Stage `interpret`: explain the trained model — which features drive it, which way, how well.

Three complementary views, all on capped samples (``interpret.sample_rows``) so the stage costs the
same on 900 rows as on a million: permutation importance on held-out folds
(:mod:`..interpret.permutation`), SHAP values summed onto the original columns
(:mod:`..interpret.shapley`), and partial dependence of the top features
(:mod:`..interpret.dependence`). The out-of-fold predictions written by `make train` give the
honest performance figures. Everything lands in ``reports/figures/*.png`` and
``reports/interpretation.json``, with sentences written from the numbers for the README. For a
regression, the data-quality audit's residual check (:mod:`..quality.residuals`) also runs here on
the out-of-fold predictions, under ``residual_outliers``.
"""

import time

import pandas as pd

from .. import artifacts, compute
from ..config import Config
from ..files import write_json
from ..interpret import figures
from ..interpret.dependence import PD_FEATURES, partial_dependence, pd_kind
from ..interpret.performance import oof_summary
from ..interpret.permutation import first_fold_refit, permutation_table, sample_index
from ..interpret.sentences import sentences
from ..interpret.shapley import shap_table
from ..interpret.text_terms import text_sentences, text_terms
from ..metrics import get_metric
from ..modeling.pipeline import encodes_targets, split_user
from ..plots import save
from ..quality.report import residual_report
from ..schema import split_target

TOP_SHOWN = 15  # features drawn in the importance figures


def run(cfg: Config, *, force: bool = False) -> None:
    """Write the figures and ``interpretation.json``; always recomputed (make decides when)."""
    started = time.perf_counter()
    metrics = artifacts.read_json(cfg, "metrics")
    train, schema = artifacts.load_train(cfg), artifacts.load_schema(cfg)
    X, y = split_target(train, schema)
    model, X = _engineered(artifacts.load_model(cfg), X)
    sample = sample_index(len(X), cfg.interpret_rows, cfg.cv_seed)
    print(f"interpret: {metrics['best_model']} on {len(X):,} rows ({len(sample):,} sampled)")

    first = first_fold_refit(cfg, model, X, y)  # shared by permutation importance and SHAP
    with compute.on_cluster(cfg) as where:  # the shuffles on the workers when a cluster is named
        permutation = permutation_table(cfg, model, X, y, first)
    explained, rows = _explained(cfg, model, X, sample, first)
    explanation = shap_table(explained, rows, cfg.task, cfg.cv_seed)
    features = _dependence_features(X, permutation, explanation)
    print(f"interpret: partial dependence of {', '.join(features) or 'no feature'}")
    dependence = partial_dependence(explained, rows, features, cfg.task)
    oof = artifacts.load_oof(cfg)
    performance = oof_summary(oof, cfg.task) if oof is not None else None
    paths = _draw(cfg, permutation, explanation, dependence, oof)
    terms = text_terms(model, [c["name"] for c in schema["columns"] if c["role"] == "text"])

    result = {
        "task": cfg.task,
        "model": metrics["best_model"],
        "metric": cfg.metric,
        "rows": {"train": len(X), "sampled": len(sample)},
        "sentences": sentences(cfg, permutation, explanation, dependence, performance)
        + text_sentences(terms),
        "text_terms": terms,
        "figures": paths,
        "permutation": permutation,
        "shap": explanation["table"] if explanation else [],
        "shap_output": explanation["output"] if explanation else None,
        "partial_dependence": [{k: v for k, v in d.items() if k != "curves"} for d in dependence],
        "performance": performance,
        "residual_outliers": _residuals(cfg, train, schema, oof),
        "compute": where,
    }
    write_json(cfg.layout.interpretation, result)
    print(
        f"interpret: {len(paths)} figures and {cfg.layout.interpretation.name} written in "
        f"{time.perf_counter() - started:.1f} s"
    )


def _residuals(cfg: Config, train: pd.DataFrame, schema: dict, oof) -> list[dict]:
    """The data-quality audit's after-training check: badly predicted rows at extreme values.

    It needs out-of-fold predictions, so it lives here rather than in `make data`; its findings
    get their own key here (data_quality.json belongs to `make data`) and the README lists both.
    """
    if oof is None or cfg.task != "regression":
        return []
    return residual_report(
        train,
        oof,
        target=schema["target"],
        id_column=schema["id"],
        log_scale=get_metric(cfg.metric, cfg.task).log_scale,
    )


def _engineered(model, X: pd.DataFrame):
    """The model's core and the table it sees: the user's features.py already applied, so the
    columns it adds are explained by name."""
    user, core = split_user(model)
    return core, (user.transform(X) if user is not None else X)


def _explained(cfg: Config, model, X: pd.DataFrame, sample, first):
    """(model, rows) for SHAP and partial dependence: the saved model on the sampled rows, or
    for a model that encodes levels by their mean target, ``first`` (the refit on the first
    fold's training rows, which permutation importance also scores) on a sample of that fold's
    held-out rows.

    On its own training rows such a model sees each rare level's answer (see
    ``modeling.pipeline.encodes_targets``) and SHAP would rank those columns far too high.
    """
    if not encodes_targets(model):
        return model, X.iloc[sample]
    held = first.held[sample_index(len(first.held), cfg.interpret_rows, cfg.cv_seed)]
    print(
        f"interpret: the model encodes levels by their mean target, so SHAP and partial "
        f"dependence explain a refit on fold 1's {len(first.fitted):,} training rows, on "
        f"{len(held):,} rows it never saw"
    )
    return first.model, X.iloc[held]


def _dependence_features(X: pd.DataFrame, permutation: list, explanation: dict | None) -> list:
    """The columns worth a partial-dependence panel: most important first, plottable only."""
    ranked = [row["feature"] for row in permutation if row["importance"] > 0]
    ranked += [row["feature"] for row in explanation["table"]] if explanation else []
    return [f for f in dict.fromkeys(ranked) if pd_kind(X[f]) is not None][:PD_FEATURES]


def _draw(cfg: Config, permutation, explanation, dependence, oof) -> list[str]:
    """Draw and save every figure that has something to show; returns their paths."""
    cfg.layout.figures.mkdir(parents=True, exist_ok=True)
    drawn = [
        figures.permutation(permutation[:TOP_SHOWN], get_metric(cfg.metric, cfg.task)),
        figures.shap_summary(explanation, TOP_SHOWN) if explanation else None,
        figures.partial_dependence(dependence, cfg.target) if dependence else None,
        *(figures.performance(oof, cfg.task, cfg.target) if oof is not None else []),
    ]
    paths = []
    for name, figure in (item for item in drawn if item is not None):
        save(figure, cfg.layout.figures / f"{name}.png")
        paths.append(f"reports/figures/{name}.png")
    return paths
