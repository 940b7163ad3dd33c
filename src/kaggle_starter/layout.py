"""Where every artifact lives: the project's data layers and outputs, in one place.

Stages talk to each other only through these files, so a stage runs the same from make, from a
test or from a notebook.
"""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config.yaml"

    @property
    def readme(self) -> Path:
        return self.root / "README.md"

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def manifest(self) -> Path:
        return self.raw / "manifest.json"

    @property
    def source_metadata(self) -> Path:
        return self.raw / "metadata.json"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def train_table(self) -> Path:
        return self.processed / "train.parquet"

    @property
    def test_table(self) -> Path:
        return self.processed / "test.parquet"

    @property
    def schema(self) -> Path:
        return self.processed / "schema.json"

    @property
    def detected(self) -> Path:
        """What `make data` detected (target, id, task, metric): config.yaml stays the owner's."""
        return self.processed / "detected.json"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def eda_notebook(self) -> Path:
        return self.notebooks / "01-eda.ipynb"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def figures(self) -> Path:
        return self.reports / "figures"

    @property
    def profile_report(self) -> Path:
        return self.reports / "profile.html"

    @property
    def profile_comparison(self) -> Path:
        return self.reports / "profile-train-vs-test.html"

    @property
    def eda_report(self) -> Path:
        return self.reports / "eda.html"

    @property
    def eda_summary(self) -> Path:
        return self.reports / "eda.json"

    @property
    def data_quality(self) -> Path:
        return self.reports / "data_quality.json"

    @property
    def metrics(self) -> Path:
        return self.reports / "metrics.json"

    @property
    def cv_results(self) -> Path:
        return self.reports / "cv_results.csv"

    @property
    def oof_predictions(self) -> Path:
        return self.reports / "oof_predictions.parquet"

    @property
    def interpretation(self) -> Path:
        return self.reports / "interpretation.json"

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def model(self) -> Path:
        return self.models / "model.joblib"

    @property
    def model_card(self) -> Path:
        return self.models / "model_card.json"

    @property
    def tuned_params(self) -> Path:
        return self.models / "tuned_params.json"

    @property
    def tuning_log(self) -> Path:
        return self.models / "tuning_log.json"

    @property
    def submissions(self) -> Path:
        return self.root / "submissions"

    @property
    def submission(self) -> Path:
        return self.submissions / "submission.csv"

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    @property
    def runs_index(self) -> Path:
        return self.runs / "index.csv"

    @property
    def runs_figure(self) -> Path:
        return self.figures / "runs.png"

    @property
    def monitoring(self) -> Path:
        return self.root / "monitoring"

    @property
    def predictions_log(self) -> Path:
        return self.monitoring / "predictions.db"

    @property
    def monitoring_report(self) -> Path:
        return self.reports / "monitoring.html"

    @property
    def monitoring_summary(self) -> Path:
        return self.reports / "monitoring.json"

    @property
    def site(self) -> Path:
        """`make site`: the portfolio as a static website (published by GitHub Pages)."""
        return self.root / "site"

    @property
    def site_marker(self) -> Path:
        """The file that says `make site` wrote site/, so `make clean` may remove it."""
        return self.site / ".kaggle-starter-site"

    @property
    def bookkeeping(self) -> Path:
        """make's own records (code digests, settings slices, locks): ``.make/``."""
        return self.root / ".make"

    @property
    def generated_notebook(self) -> Path:
        """Where `make eda` writes the fresh notebook when yours has edits."""
        return self.notebooks / "01-eda.generated.ipynb"

    def generated(self) -> tuple[Path, ...]:
        """Everything the stages write that they can write again from data/raw, config.yaml and
        your code: what `make clean` removes (besides the figures the records below list, the
        EDA notebook while unedited and site/ while it holds its mark). Never data/raw,
        models/, runs/ or monitoring/: those are not remade."""
        return (
            self.processed,
            self.bookkeeping,
            self.profile_report,
            self.profile_comparison,
            self.eda_report,
            self.eda_summary,
            self.data_quality,
            self.metrics,
            self.cv_results,
            self.oof_predictions,
            self.interpretation,
            self.monitoring_report,
            self.monitoring_summary,
            self.submission,
            self.generated_notebook,
            self.runs_figure,
        )

    def figure_records(self) -> tuple[Path, ...]:
        """The stages' JSON records that list the figures they drew ("figures")."""
        return (self.eda_summary, self.interpretation, self.monitoring_summary)
