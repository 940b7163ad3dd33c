"""The audited table and the per-column facts the checks share, each computed once.

Many checks need the same things (the levels of a text column, the quantiles of a numeric one,
a row sample), and on a million-row table computing them once is what keeps the audit inside a
few seconds: every fact here is linear in rows, and anything costlier works on ``sample``.
"""

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

SAMPLE_ROWS = 20_000  # rows for the model-like checks; enough to see a 0.99 score reliably
# Checks that look at every column (one score each) or every pair (correlations, one-to-one)
# cost rows x columns or more, so a wide table gets fewer sample rows: 784 columns read 2,551
# rows (the audit of a 42,000 x 784 table: 251 s -> seconds), 100 columns the full 20,000.
SAMPLE_CELLS = 2_000_000
MIN_SAMPLE_ROWS = 2_000
TASKS = ("binary", "multiclass", "regression")
MAX_CLASSES = 20  # a target with more distinct values than this is treated as a quantity
ID_LIKE = 0.5  # a column with more distinct values than half its rows is a name or a key


@dataclass
class AuditTable:
    """Train (with the target when known), test, and the roles the caller knows."""

    train: pd.DataFrame
    test: pd.DataFrame | None = None
    target: str | None = None
    task: str | None = None
    id_column: str | None = None
    seed: int = 0
    # Column -> role as `make data` decided it (schema.json); None for a bare table, whose roles
    # the checks read from the types. Shift is compared by role, as the EDA and the monitor do.
    roles: dict[str, str] | None = None
    features: list[str] = field(init=False)
    _codes: dict = field(init=False, default_factory=dict, repr=False)
    _levels: dict = field(init=False, default_factory=dict, repr=False)
    _values: dict = field(init=False, default_factory=dict, repr=False)
    _id_like: dict = field(init=False, default_factory=dict, repr=False)
    memo: dict = field(init=False, default_factory=dict, repr=False)  # results checks share

    def __post_init__(self):
        if self.target is not None and self.target not in self.train.columns:
            raise ValueError(f"target {self.target!r} is not a column of train")
        if self.task is not None and self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS} or None, not {self.task!r}")
        if self.task is None and self.target is not None:
            self.task = infer_task(self.train[self.target])
        roles = {self.target, self.id_column}
        self.features = [c for c in self.train.columns if c not in roles]

    @cached_property
    def numeric(self) -> list[str]:
        """Numeric feature columns; booleans are categories, not quantities."""
        return [c for c in self.features if is_quantity(self.train[c])]

    @cached_property
    def text(self) -> list[str]:
        """Feature columns of strings, categories or mixed Python objects."""
        return [c for c in self.features if is_text(self.train[c])]

    @cached_property
    def n_rows(self) -> int:
        return len(self.train)

    @cached_property
    def n_missing(self) -> dict[str, int]:
        return {c: int(n) for c, n in self.train.isna().sum().items()}

    @cached_property
    def sample_rows(self) -> int:
        """Rows in the sample: SAMPLE_ROWS, fewer for wide tables (SAMPLE_CELLS)."""
        wide = SAMPLE_CELLS // max(len(self.features), 1)
        return max(MIN_SAMPLE_ROWS, min(SAMPLE_ROWS, wide))

    @cached_property
    def positions(self) -> np.ndarray:
        """Row positions of the sample, in file order (so order-based checks can use it)."""
        if self.n_rows <= self.sample_rows:
            return np.arange(self.n_rows)
        rng = np.random.default_rng(self.seed)
        return np.sort(rng.choice(self.n_rows, self.sample_rows, replace=False))

    @cached_property
    def sample(self) -> pd.DataFrame:
        """A seeded row sample (the whole table when small) for the costlier checks."""
        small = self.n_rows <= self.sample_rows
        return self.train if small else self.train.iloc[self.positions]

    @cached_property
    def sample_unique(self) -> dict[str, int]:
        """Distinct values per feature in the sample, missing counted as one: cheap cardinality."""
        return {c: int(self.sample[c].nunique(dropna=False)) for c in self.features}

    def codes(self, column: str) -> tuple[np.ndarray, pd.Index]:
        """Integer codes of a column's values (-1 for missing) and the values they stand for.

        Hashing a million strings is the costliest step of the audit, so it happens once per
        column here and serves the level counts, the row hash and the one-to-one test.
        """
        if column not in self._codes:
            codes, uniques = pd.factorize(self.train[column], use_na_sentinel=True)
            self._codes[column] = (codes, pd.Index(np.asarray(uniques, dtype=object)))
        return self._codes[column]

    def levels(self, column: str) -> pd.Series:
        """Row counts of each non-missing value of a column, most frequent first.

        Exact for categories; for a key-like column (names, free text) counted in the sample,
        since a million distinct strings would be hashed only to find each seen once.
        """
        if column not in self._levels and self.is_id_like(column):
            counts = self.sample[column].value_counts(dropna=True)
            self._levels[column] = counts[counts > 0]
        if column not in self._levels:
            codes, uniques = self.codes(column)
            counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
            order = np.argsort(-counts, kind="stable")
            self._levels[column] = pd.Series(counts[order], index=uniques[order])
        return self._levels[column]

    @cached_property
    def row_hash(self) -> np.ndarray:
        """One 64-bit hash per row of the features (id and target left out), for repeats.

        Combined from per-column hashes of the codes (text) or the values (numbers), so no
        string is hashed twice; the multiply-xor mix is the one pandas uses to combine columns.
        """
        combined = np.zeros(self.n_rows, dtype=np.uint64)
        for column in self.features:
            if column in self.text:  # factorising is much faster than hashing strings
                part = pd.util.hash_array(self.codes(column)[0])
            elif column in self.numeric:
                part = pd.util.hash_array(self.values(column))
            else:
                part = pd.util.hash_pandas_object(self.train[column], index=False).to_numpy()
            combined = (combined * np.uint64(1_000_003)) ^ part
        return combined

    @cached_property
    def target_hash(self) -> np.ndarray | None:
        if self.y is None:
            return None
        return pd.util.hash_pandas_object(self.y, index=False).to_numpy()

    @cached_property
    def distinct_rows(self) -> int:
        return int(pd.unique(self.row_hash).size)

    def values(self, column: str) -> np.ndarray:
        """A numeric column as float64 with NaN for missing."""
        if column not in self._values:
            values = self.train[column].to_numpy(dtype="float64", na_value=np.nan)
            self._values[column] = values
        return self._values[column]

    def is_id_like(self, column: str) -> bool:
        """Distinct in more than half the rows that have a value (judged on the sample): a key,
        a name or free text, whose levels are not categories to count or compare."""
        if column not in self._id_like:
            values = self.sample[column]
            present = int(values.notna().sum())
            self._id_like[column] = present > 0 and values.nunique() > ID_LIKE * present
        return self._id_like[column]

    @cached_property
    def y(self) -> pd.Series | None:
        return None if self.target is None else self.train[self.target]


def is_quantity(series: pd.Series) -> bool:
    """Numbers that can be added and compared; booleans and categories are not."""
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def is_text(series: pd.Series) -> bool:
    """Strings, categories or Python objects: the columns read as labels."""
    dtype = series.dtype
    return (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def infer_task(target: pd.Series) -> str:
    """Binary, multiclass or regression, from the target's values when the caller did not say."""
    distinct = target.nunique(dropna=True)
    if distinct <= 2:
        return "binary"
    if is_quantity(target) and distinct > MAX_CLASSES:
        return "regression"
    return "multiclass"
