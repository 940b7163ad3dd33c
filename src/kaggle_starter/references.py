"""Published scores on well-known Kaggle competitions, to put a baseline's number in context.

A CV score here is 5-fold cross-validation on train.csv; an LB score is Kaggle's public
leaderboard (on Titanic, CV runs a few points above LB). Sources are named so a reader can check.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    what: str
    score: str
    source: str


# competition slug -> (metric the scores are in, references)
REFERENCES: dict[str, tuple[str, tuple[Reference, ...]]] = {
    "titanic": (
        "accuracy",
        (
            Reference(
                "everyone dies",
                "LB 0.622",
                "Kaggle notebook “Titanic leaderboard: a score > 0.8 is great!”",
            ),
            Reference("women survive (gender_submission.csv)", "LB 0.766", "same notebook"),
            Reference(
                "untuned tutorial random forest", "LB 0.775 (leaderboard median)", "same notebook"
            ),
            Reference(
                "HistGradientBoosting defaults, Name/Ticket/Cabin dropped",
                "CV 0.813 ± 0.034",
                "kaggle-starter measurement",
            ),
            Reference(
                "engineered features (title, family size, …)", "CV 0.83–0.84", "public write-ups"
            ),
            Reference("top ~6% of the leaderboard", "LB > 0.80", "same notebook"),
        ),
    ),
    "house-prices-advanced-regression-techniques": (
        "rmsle",
        (
            Reference("predict the mean", "CV 0.399", "kaggle-starter measurement"),
            Reference(
                "HistGradientBoosting defaults", "CV 0.128 ± 0.016", "kaggle-starter measurement"
            ),
            Reference(
                "Lasso / GBM / XGBoost / LightGBM after feature work",
                "CV 0.111–0.118",
                "Kaggle notebook “Stacked Regressions: Top 4%”",
            ),
            Reference("averaged / stacked models", "CV 0.109 / 0.1085", "same notebook"),
            Reference("top 9% of the leaderboard", "LB 0.116", "public blog write-up"),
        ),
    ),
    "spaceship-titanic": (
        "accuracy",
        (
            Reference("majority class", "CV 0.504", "kaggle-starter measurement"),
            Reference("HistGradientBoosting defaults", "CV 0.796", "kaggle-starter measurement"),
            Reference("AutoGluon, 30 s", "CV 0.801", "kaggle-starter measurement"),
            Reference("top 1% of the leaderboard", "LB 0.815", "Kaggle leaderboard"),
        ),
    ),
}


def references_for(ref: str, metric: str) -> tuple[Reference, ...]:
    """The published scores for competition ``ref`` when they are in this project's metric."""
    known = REFERENCES.get(ref.strip().lower())
    if known is None or known[0] != metric:
        return ()
    return known[1]
