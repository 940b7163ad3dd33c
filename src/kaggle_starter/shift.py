"""How far apart are two tables, per feature and as a whole? One measure for every report.

The EDA (train against test), the data-quality audit (the same pair) and the monitor (train
against served rows) all measure shift here, with one set of settings, so the same two tables
give the same numbers in the notebook, ``data_quality.json`` and ``monitoring.json``. The second
table is called ``test`` throughout; the monitor names it "served" in what it writes.

A column is compared as :func:`encode` reads it: a number as itself, a date as days since 1970,
a free text as its length in characters, a category as its label in text (so True, "True" and a
logged JSON true are one level).

Per feature (:func:`feature_shift`), two views that answer different questions:

- **PSI** (population stability index) over train's decile bins (or its most frequent levels),
  missing values as a bin of their own, measures *how much* the distribution moved. By the usual
  reading, below 0.1 is stable, 0.1 to 0.25 a moderate shift and above 0.25 a major one.
- **A test** (Kolmogorov-Smirnov for numbers, dates and text lengths; chi-square over the same
  bins for categories) says whether the move is *more than sampling noise*: PSI alone is noisy
  on fifty rows and a test alone calls trivial moves significant on a million.

A feature shifts when both agree (PSI at least ``PSI_SHIFT`` and a p-value below ``ALPHA``
divided by the number of features, Bonferroni's correction, so twenty features do not give
twenty chances of a false alarm), when its missing share moves by ``MISSING_SHIFT`` or more
(and significantly, by Fisher's exact test), or when ``UNSEEN_SHARE`` of its values are
categories train never had.

As a whole (:func:`adversarial`), a small HistGradientBoosting learns to tell test rows from
train rows: an out-of-fold AUC near 0.5 means it cannot, near 1 that the two are different
populations, even when every single feature looks stable on its own.
"""

from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from .schema import FEATURE_ROLES

PSI_SHIFT = 0.1
ALPHA = 0.01
MISSING_SHIFT = 0.05
UNSEEN_SHARE = 0.05
BINS = 10
LEVELS = 20  # categories compared one by one; rarer ones share an "other" bin
FLOOR = 1e-4  # shares are floored here so an empty bin gives a finite PSI
# The bins, the test and the missing shares read at most this many seeded rows a side: a
# million rows would cost seconds to sort (the audit of a 1.3 M-row table must stay fast) and
# make every trivial move significant, while 50,000 measure a share to about half a point.
FEATURE_ROWS = 50_000
UNSEEN_LISTED = 20  # unseen levels named per feature, most frequent first
ADVERSARIAL_AUC = 0.7  # from here a model tells the tables apart well enough to matter
ADVERSARIAL_ROWS = 5_000  # per side: enough for a stable AUC, seconds on two cores
ADVERSARIAL_CELLS = 1_000_000  # per side, so a 784-column table reads 1,275 rows, not 5,000
ADVERSARIAL_MIN_MODEL_ROWS = 1_000  # the width cap never goes below this
ADVERSARIAL_MIN_ROWS = 30  # fewer rows on a side and the AUC is noise
ADVERSARIAL_FOLDS = 3
ADVERSARIAL_LEAVES = 15  # a small model: shift shows in a few splits, and it stays fast
ADVERSARIAL_TREES = 100
ADVERSARIAL_LEVELS = 100  # HistGradientBoosting takes at most 255 categories per feature
TABLE_COLUMNS = (
    "feature",
    "role",
    "psi",
    "test",
    "p_value",
    "missing_train",
    "missing_test",
    "unseen_share",
    "shifted",
    "reasons",
)


@dataclass(frozen=True)
class FeatureShift:
    """One feature's shift: how much (``psi``), whether beyond noise (``p_value``), and why.

    ``missing`` holds the missing shares ("train", "test", "change"); ``shares`` the share of
    rows per bin on each side (the bins' names in ``bins``); ``unseen`` (categories only) the
    test levels train never had (the most frequent :data:`UNSEEN_LISTED`, and how many there
    are), the test rows holding them and their share of the test rows with a value.
    ``reasons`` maps each kind of shift found ("distribution", "missing", "unseen") to a few
    words; a feature without reasons is stable.
    """

    name: str
    role: str
    psi: float
    test: str
    p_value: float
    missing: dict
    missing_p_value: float
    bins: list
    shares: dict
    unseen: dict | None = None
    reasons: dict = field(default_factory=dict)

    @property
    def shifted(self) -> bool:
        return bool(self.reasons)

    def row(self) -> dict:
        """The feature as one row of :func:`table`."""
        values = (
            self.name,
            self.role,
            self.psi,
            self.test,
            self.p_value,
            self.missing["train"],
            self.missing["test"],
            None if self.unseen is None else _number(self.unseen["share"]),
            self.shifted,
            "; ".join(self.reasons.values()),
        )
        return dict(zip(TABLE_COLUMNS, values, strict=True))


@dataclass(frozen=True)
class Adversarial:
    """The adversarial AUC and the rows a side it read, or None with the reason there is none."""

    auc: float | None
    rows: dict
    reason: str | None = None

    @property
    def shifted(self) -> bool:
        return self.auc is not None and self.auc >= ADVERSARIAL_AUC


def encode(values: pd.Series, role: str) -> pd.Series:
    """A column as it is compared: numbers for numbers, dates and texts, labels for categories."""
    if role == "categorical":
        return values.astype("string").astype(object).where(values.notna(), None)
    if role == "datetime":
        dates = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
        return (dates - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds() / 86400
    if role == "text":
        return values.astype("string").str.len().astype(float)
    return pd.to_numeric(values, errors="coerce").astype(float)


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    """Population stability index of two share vectors over the same bins."""
    e, a = np.maximum(expected, FLOOR), np.maximum(actual, FLOOR)
    return float(np.sum((a - e) * np.log(a / e)))


def alpha_per_feature(features: int) -> float:
    """ALPHA shared among the features compared (Bonferroni)."""
    return ALPHA / max(features, 1)


def compare_features(
    train: pd.DataFrame, test: pd.DataFrame, roles: dict[str, str], *, seed: int = 0
) -> list[FeatureShift]:
    """:func:`feature_shift` of every column in ``roles`` (name to role), tested together."""
    alpha = alpha_per_feature(len(roles))
    return [
        feature_shift(name, role, train[name], test[name], alpha=alpha, seed=seed)
        for name, role in roles.items()
    ]


def feature_shift(
    name: str, role: str, train: pd.Series, test: pd.Series, *, alpha: float = ALPHA, seed: int = 0
) -> FeatureShift:
    """PSI, test, missing-share change and unseen categories of one feature, and the verdict.

    ``alpha`` is the p-value below which a move counts: :func:`compare_features` passes ALPHA
    divided by the number of features. Bins, test and missing shares read the seeded
    :data:`FEATURE_ROWS` sample; unseen levels are counted on every row, so a rare train level
    the sample missed does not read as new.
    """
    if role not in FEATURE_ROLES:
        raise ValueError(f"role must be one of {FEATURE_ROLES}, not {role!r}")
    known = _known_levels(train) if role == "categorical" else None
    a = encode(capped(train, FEATURE_ROWS, seed), role)
    b = encode(capped(test, FEATURE_ROWS, seed), role)
    bins, a_counts, b_counts = _numeric_bins(a, b) if known is None else _level_bins(a, b, known)
    a_shares, b_shares = _shares(a_counts), _shares(b_counts)
    gaps = np.array([[a_counts[-1], len(a) - a_counts[-1]], [b_counts[-1], len(b) - b_counts[-1]]])
    missing = {"train": _share(gaps[0]), "test": _share(gaps[1])}
    missing["change"] = missing["test"] - missing["train"]
    shift = FeatureShift(
        name=name,
        role=role,
        psi=_number(psi(a_shares, b_shares)),
        test="ks" if known is None else "chi-square",
        p_value=_p_value(a, b, a_counts, b_counts, known is None),
        missing={side: _number(share) for side, share in missing.items()},
        missing_p_value=_missing_p_value(gaps),
        bins=bins,
        shares={"train": _numbers(a_shares), "test": _numbers(b_shares)},
        unseen=None if known is None else _unseen(test, known),
    )
    return replace(shift, reasons=_reasons(shift, alpha))


def _reasons(shift: FeatureShift, alpha: float) -> dict[str, str]:
    """Each kind of shift the feature shows, in a few words."""
    reasons = {}
    if shift.psi >= PSI_SHIFT and shift.p_value < alpha:
        test = "KS" if shift.test == "ks" else shift.test
        reasons["distribution"] = f"PSI {shift.psi:.2f}, {test} p {shift.p_value:.1e}"
    missing = shift.missing
    if abs(missing["change"]) >= MISSING_SHIFT and shift.missing_p_value < alpha:
        reasons["missing"] = f"missing {missing['train']:.0%} → {missing['test']:.0%}"
    if shift.unseen and shift.unseen["share"] >= UNSEEN_SHARE:
        shown = ", ".join(map(str, shift.unseen["levels"][:3]))
        reasons["unseen"] = f"{shift.unseen['share']:.0%} unseen: {shown}"
    return reasons


def table(features: list[FeatureShift]) -> pd.DataFrame:
    """One row per feature, shifted ones first, then by PSI: the table the EDA shows."""
    rows = [f.row() for f in ranked(features)]
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def ranked(features: list[FeatureShift]) -> list[FeatureShift]:
    """Shifted features first, then the largest PSI: the order a reader should look in."""
    return sorted(features, key=lambda f: (not f.shifted, -f.psi))


def adversarial(
    train: pd.DataFrame, test: pd.DataFrame, roles: dict[str, str], *, seed: int = 0
) -> Adversarial:
    """Out-of-fold AUC of a classifier told to find the test rows among train rows.

    Each side is a seeded sample of at most :data:`ADVERSARIAL_ROWS` rows (fewer on a wide
    table, :data:`ADVERSARIAL_CELLS`); the folds use the same seed, so a run repeats exactly.
    """
    # Imported here: the audit needs only the per-feature measures and should start fast.
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    # Columns in train's order, so the AUC does not depend on the order roles lists them in.
    roles = {c: roles[c] for c in train.columns if c in roles}
    wanted = max(ADVERSARIAL_MIN_MODEL_ROWS, ADVERSARIAL_CELLS // max(len(roles), 1))
    a = capped(train[list(roles)], min(ADVERSARIAL_ROWS, wanted), seed)
    b = capped(test[list(roles)], min(ADVERSARIAL_ROWS, wanted), seed)
    rows = {"train": len(a), "test": len(b)}
    if not roles:
        return Adversarial(None, rows, "there is no feature to compare")
    if min(rows.values()) < ADVERSARIAL_MIN_ROWS:
        return Adversarial(
            None,
            rows,
            f"it needs at least {ADVERSARIAL_MIN_ROWS} rows a side, and one has "
            f"{min(rows.values())}",
        )
    model = HistGradientBoostingClassifier(
        max_iter=ADVERSARIAL_TREES,
        max_leaf_nodes=ADVERSARIAL_LEAVES,
        categorical_features="from_dtype",
        random_state=seed,
    )
    y = np.r_[np.zeros(len(a)), np.ones(len(b))]
    folds = StratifiedKFold(ADVERSARIAL_FOLDS, shuffle=True, random_state=seed)
    proba = cross_val_predict(model, _matrix(a, b, roles), y, cv=folds, method="predict_proba")
    return Adversarial(round(float(roc_auc_score(y, proba[:, 1])), 4), rows)


def _matrix(train: pd.DataFrame, test: pd.DataFrame, roles: dict[str, str]) -> pd.DataFrame:
    """Both sides stacked as numbers and pandas categories, as HistGradientBoosting reads them.

    Only the most frequent levels stay categories; the rest are missing, so a near-unique
    column (a name, a ticket) cannot tell rows apart by identity alone.
    """
    columns = {}
    for name, role in roles.items():
        both = encode(pd.concat([train[name], test[name]], ignore_index=True), role)
        if role == "categorical":
            kept = both.value_counts().index[:ADVERSARIAL_LEVELS]
            columns[name] = pd.Categorical(both.where(both.isin(kept), None))
        else:
            columns[name] = both.to_numpy()
    return pd.DataFrame(columns)


def capped(rows, cap: int, seed: int):
    """At most ``cap`` rows, drawn with ``seed`` and kept in file order: the same rows for
    every column of one table, and on every run."""
    return rows if len(rows) <= cap else rows.iloc[_positions(len(rows), cap, seed)]


@lru_cache(maxsize=8)
def _positions(rows: int, cap: int, seed: int) -> np.ndarray:
    """The sampled row positions, drawn once per table size rather than once per column."""
    picked = np.sort(np.random.default_rng(seed).choice(rows, cap, replace=False))
    picked.flags.writeable = False  # shared between calls
    return picked


def _number(value) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 4)


def _numbers(values: np.ndarray) -> list:
    return [_number(v) for v in values]


def _share(counts: np.ndarray) -> float:
    """The first count's share of the total (missing among all rows), 0 for no rows."""
    total = counts.sum()
    return float(counts[0] / total) if total else 0.0


def _shares(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total else counts.astype(float)


def _labels(values) -> pd.Series:
    """Distinct raw values as their labels (what :func:`encode` makes of a category)."""
    return encode(pd.Series(np.asarray(values, dtype=object)), "categorical")


def _known_levels(train: pd.Series) -> set:
    """Every label train has, counted on all its rows."""
    return set(_labels(train.unique()).dropna())


def _numeric_bins(train: pd.Series, test: pd.Series) -> tuple[list, np.ndarray, np.ndarray]:
    """Counts per train-decile bin (plus missing) for both sides, and the bins' labels."""
    present = train.dropna().to_numpy()
    edges = (
        np.unique(np.quantile(present, np.linspace(0, 1, BINS + 1)[1:-1])) if present.size else []
    )
    labels = [f"≤ {edges[0]:.4g}"] if len(edges) else ["all"]
    labels += [f"{lo:.4g} to {hi:.4g}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    labels += [f"> {edges[-1]:.4g}"] if len(edges) else []

    def count(values: pd.Series) -> np.ndarray:
        known = values.dropna().to_numpy()
        binned = np.bincount(np.searchsorted(edges, known, side="left"), minlength=len(labels))
        return np.append(binned, values.isna().sum())

    return [*labels, "missing"], count(train), count(test)


def _level_bins(
    train: pd.Series, test: pd.Series, known: set
) -> tuple[list, np.ndarray, np.ndarray]:
    """Counts per frequent train level, other, unseen and missing for both sides."""
    train_counts, test_counts = train.value_counts(), test.value_counts()
    frequent = list(train_counts.index[:LEVELS])

    def count(counts: pd.Series, rows: int) -> np.ndarray:
        listed = [int(counts.get(level, 0)) for level in frequent]
        unseen = int(counts[~counts.index.isin(known)].sum())
        present = int(counts.sum())
        return np.array([*listed, present - sum(listed) - unseen, unseen, rows - present])

    labels = [str(level) for level in frequent] + ["other", "unseen", "missing"]
    return labels, count(train_counts, len(train)), count(test_counts, len(test))


def _p_value(train, test, train_counts, test_counts, numeric: bool) -> float:
    if not numeric:
        counts = np.vstack([train_counts, test_counts])
        counts = counts[:, counts.sum(axis=0) > 0]
        if counts.shape[1] < 2 or (counts.sum(axis=1) == 0).any():
            return 1.0
        return float(stats.chi2_contingency(counts).pvalue)
    a, b = train.dropna().to_numpy(), test.dropna().to_numpy()
    return float(stats.ks_2samp(a, b).pvalue) if a.size and b.size else 1.0


def _missing_p_value(gaps: np.ndarray) -> float:
    """Fisher's exact test of the missing and present counts, a row per side."""
    if (gaps.sum(axis=0) == 0).any() or (gaps.sum(axis=1) == 0).any():
        return 1.0
    return float(stats.fisher_exact(gaps).pvalue)


def _unseen(test: pd.Series, known: set) -> dict:
    """Test levels train never had, counted on every test row (counting is cheap)."""
    counts = test.value_counts()
    counts = pd.Series(counts.to_numpy(), index=_labels(counts.index).to_numpy())
    present = int(counts.sum())
    fresh = counts[~counts.index.isin(known) & (counts > 0)].groupby(level=0).sum()
    fresh = fresh.sort_values(ascending=False, kind="stable")
    rows = int(fresh.sum())
    return {
        "levels": fresh.index[:UNSEEN_LISTED].tolist(),
        "distinct": len(fresh),
        "rows": rows,
        "share": rows / present if present else 0.0,
    }
