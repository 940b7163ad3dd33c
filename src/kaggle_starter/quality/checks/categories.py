"""Inconsistent categories: one level spelled several ways, numbers stored as text, mixed Python
types in one column (section 5)."""

import re

import pandas as pd

from ..findings import Finding, names
from ..table import AuditTable
from .common import PLACEHOLDERS, TEXT_LEVELS, code_lines, levels_text

NUMBER_TEXT = re.compile(r"[,$€£%\s]")


def _spelling_groups(levels: pd.Series) -> list[list[str]]:
    """Levels equal once case, spaces and punctuation are ignored, most frequent first."""
    levels = levels_text(levels)
    numeric = pd.to_numeric(levels.index, errors="coerce").notna()
    levels = levels[~numeric]  # "1.5" and "15" must not merge
    keys = levels.index.str.lower().str.replace(r"[\W_]+", "", regex=True)
    spellings = pd.Series(levels.index, index=keys)
    spellings = spellings[spellings.index != ""]  # all punctuation: a placeholder, not a word
    groups = spellings.groupby(level=0, sort=False)
    return [list(g) for _, g in groups if len(g) > 1]


def inconsistent_levels(table: AuditTable) -> list[Finding]:
    """ "New York", "new york" and "New-York" are one place split into three levels."""
    found: dict[str, list[list[str]]] = {}
    for column in table.text:
        if not table.is_id_like(column) and (groups := _spelling_groups(table.levels(column))):
            found[column] = groups
    if not found:
        return []
    variant_rows = {
        c: int(sum(table.levels(c)[g[1:]].sum() for g in groups)) for c, groups in found.items()
    }
    detail = "; ".join(
        f"{c}: " + ", ".join(" / ".join(repr(v) for v in g) for g in groups[:3])
        for c, groups in found.items()
    )
    fix = [
        f"frame[{c!r}] = frame[{c!r}].replace({ {v: g[0] for g in groups for v in g[1:]}!r})"
        for c, groups in found.items()
    ]
    return [
        Finding(
            check="inconsistent_levels",
            title="One category spelled several ways",
            columns=list(found),
            counts=variant_rows,
            message=f"Levels that differ only in case, spacing or punctuation: {detail}. "
            "Each spelling is learnt separately; map them to the most common one.",
            fix=code_lines(fix),
            severity="medium",
        )
    ]


def _number_share(levels: pd.Series) -> float:
    """Share of (non-placeholder) rows whose text is a formatted number: "1,234", "$5", "12%"."""
    levels = levels_text(levels)
    levels = levels[~levels.index.str.strip().str.lower().isin(PLACEHOLDERS)]
    if levels.empty or levels.index.str.match(r"\s*[-+]?0\d").any():
        return 0.0  # leading zeros: a code such as a zip or account number, not a quantity
    parsed = pd.to_numeric(levels.index.str.replace(NUMBER_TEXT, "", regex=True), errors="coerce")
    return float(levels[parsed.notna()].sum() / levels.sum())


def numbers_as_text(table: AuditTable) -> list[Finding]:
    """Numbers with separators, currency or percent signs are read as labels, not amounts."""
    shares = {
        c: s
        for c in table.text
        if not isinstance(table.train[c].dtype, pd.CategoricalDtype)
        and (s := _number_share(table.levels(c))) >= 0.95
    }
    if not shares:
        return []
    pattern = NUMBER_TEXT.pattern
    fix = [
        f"frame[{c!r}] = pd.to_numeric(frame[{c!r}].str.replace({pattern!r}, '', regex=True), "
        "errors='coerce')"
        for c in shares
    ]
    return [
        Finding(
            check="numbers_as_text",
            title="Numbers stored as text",
            columns=list(shares),
            counts={c: round(s, 4) for c, s in shares.items()},
            message=f"{names(list(shares))} hold numbers written as text (separators, currency "
            "or percent signs) in at least 95% of rows. As text each value is its own category; "
            "strip the symbols and convert.",
            fix=code_lines(fix),
            severity="high",
        )
    ]


def mixed_types(table: AuditTable) -> list[Finding]:
    """Numbers and strings in one column compare and encode inconsistently."""
    found = {}
    for column in table.text:
        if not pd.api.types.is_object_dtype(table.train[column].dtype):
            continue
        values = table.levels(column).head(TEXT_LEVELS).index
        if pd.api.types.infer_dtype(values, skipna=True).startswith("mixed"):
            found[column] = sorted({type(v).__name__ for v in values})
    if not found:
        return []
    detail = "; ".join(f"{c} ({', '.join(t)})" for c, t in found.items())
    fix = [f"frame[{c!r}] = frame[{c!r}].map(str, na_action='ignore')" for c in found]
    return [
        Finding(
            check="mixed_types",
            title="Several types in one column",
            columns=list(found),
            counts={c: len(t) for c, t in found.items()},
            message=f"Values of different Python types share a column: {detail}. 1 and '1' "
            "become different levels and sorting fails; store one type.",
            fix=code_lines(fix),
            severity="medium",
        )
    ]
