"""How to profile a table of this size: the settings, and the sentence that says what they mean.

fg-data-profiling is the maintained successor of ydata-profiling (same API, imported as
``data_profiling``). Its cost grows with columns (one rendered histogram each, correlations) and
quadratically with numeric columns when it draws pairwise interactions, so the settings are chosen
from the table's size, and the report says which were used:

- full: every statistic and correlation; interactions only for a few numeric columns;
- minimal: per-column statistics only, for wide or large tables;
- sampled: above :data:`SAMPLE_ROWS` rows a seeded random sample is profiled (the library has no
  row sampling of its own), with minimal settings when the sample is still large.

Above :data:`PROFILE_COLUMNS` columns a seeded random sample of the columns is profiled as well
(the target always): the report renders a section per column, and 784 of them take minutes to
draw and more to scroll, while the data-quality audit of `make data` checks every column.

Reports are self-contained HTML (styles and scripts inlined), so they open with no network.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

SAMPLE_ROWS = 100_000  # above this many rows, profile a random sample of this size
FULL_CELLS = 2_000_000  # rows x columns above which full settings take minutes
WIDE_COLUMNS = 50  # columns above which per-column plots dominate: minimal settings
INTERACTION_COLUMNS = 6  # pairwise scatter plots only up to this many numeric columns
PROFILE_COLUMNS = 100  # above this many columns, profile a random sample of this many


@dataclass(frozen=True)
class ProfilePlan:
    """The settings for one table, and a sentence saying what they mean for the reader."""

    mode: str  # full | minimal | sampled
    rows: int
    columns: int
    sample_rows: int | None
    minimal: bool
    interactions: bool
    sample_columns: int | None = None

    def describe(self) -> str:
        what = (
            "per-column statistics only (no correlations or interactions), to stay fast"
            if self.minimal
            else "every statistic and correlation"
            + (
                ", with pairwise interactions"
                if self.interactions
                else f"; interactions off (more than {INTERACTION_COLUMNS} numeric columns)"
            )
        )
        size = f"{self.rows:,} rows x {self.columns} columns"
        if self.sample_columns:
            size += f" (a random sample of {self.sample_columns} of the columns, target included)"
        if self.sample_rows:
            return (
                f"Profile mode: sampled. A random sample of {self.sample_rows:,} of the {size} "
                f"is profiled, with {what}; counts and shares describe the sample."
            )
        return f"Profile mode: {self.mode}. All {size} are profiled, with {what}."

    def settings(self) -> dict:
        """Keyword arguments for ``ProfileReport`` (besides title and description)."""
        kwargs: dict = {"minimal": self.minimal}
        if not self.minimal:
            kwargs["interactions"] = {"continuous": self.interactions}
        return kwargs


def choose_plan(rows: int, columns: int, numeric: int, requested: str = "auto") -> ProfilePlan:
    """Settings for a table of this size; ``requested`` (config ``profile.mode``) can force one."""
    kept = PROFILE_COLUMNS if columns > PROFILE_COLUMNS and requested != "full" else None
    width = kept or columns
    too_big = rows * width > FULL_CELLS or width > WIDE_COLUMNS
    sample = requested == "sampled" or (requested == "auto" and rows > SAMPLE_ROWS)
    if sample and rows > SAMPLE_ROWS:
        minimal = SAMPLE_ROWS * width > FULL_CELLS or width > WIDE_COLUMNS
        return ProfilePlan("sampled", rows, columns, SAMPLE_ROWS, minimal, False, kept)
    minimal = requested == "minimal" or (requested in ("auto", "sampled") and too_big)
    mode = "minimal" if minimal else "full"
    interactions = numeric <= INTERACTION_COLUMNS
    return ProfilePlan(mode, rows, columns, None, minimal, interactions, kept)


def columns_for(
    frame: pd.DataFrame, plan: ProfilePlan, seed: int, keep: tuple = ()
) -> pd.DataFrame:
    """The columns the plan profiles: all, or ``keep`` plus a seeded sample, in table order."""
    if not plan.sample_columns or frame.shape[1] <= plan.sample_columns:
        return frame
    kept = [c for c in frame.columns if c in keep]
    others = [c for c in frame.columns if c not in keep]
    rng = np.random.default_rng(seed)
    chosen = set(rng.choice(len(others), plan.sample_columns - len(kept), replace=False))
    wanted = set(kept) | {others[i] for i in chosen}
    return frame[[c for c in frame.columns if c in wanted]]


def rows_for(frame: pd.DataFrame, plan: ProfilePlan, seed: int) -> pd.DataFrame:
    """The rows the plan profiles: all of them, or a seeded sample in the table's order."""
    if plan.sample_rows and len(frame) > plan.sample_rows:
        return frame.sample(plan.sample_rows, random_state=seed).sort_index()
    return frame
