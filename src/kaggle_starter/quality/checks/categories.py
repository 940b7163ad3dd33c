"""Inconsistent categories: one level spelled several ways, numbers stored as text, mixed Python
types in one column (section 5); stray bare numbers among words, one-letter typos of a level."""

import re

import pandas as pd

from ..findings import Finding, count, names, plural
from ..table import AuditTable
from .common import PLACEHOLDERS, TEXT_LEVELS, code_lines, levels_text, mask_levels

NUMBER_TEXT = re.compile(r"[,$€£%\s]")
BARE_NUMBER = r"\s*[-+]?\d+(?:\.\d+)?\s*"
STRAY_SHARE = 0.02  # bare numbers in at most this share of a word column's rows are strays
STRAY_LEVELS = 5
MIN_WORD = 5  # shorter levels are codes ("RL", "GasA"), where one letter is another code
RARE_RATIO = 20  # a typo is at least this many times rarer than the level it misspells
FREQUENT_LEVELS = 30


def _per_category(table: AuditTable, find) -> dict:
    """Column -> what ``find`` finds in its level counts, for the text columns that are
    categories (keys and free text have no levels to compare), where it finds something."""
    found = {}
    for column in table.text:
        if not table.is_id_like(column) and len(hit := find(table.levels(column))):
            found[column] = hit
    return found


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
    found = _per_category(table, _spelling_groups)
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


def _stray_numbers(levels: pd.Series) -> pd.Series:
    """Bare-number levels of a column of words, when they are a few rows (STRAY_SHARE at most)."""
    levels = levels_text(levels)
    if levels.empty:
        return levels
    bare = levels.index.str.fullmatch(BARE_NUMBER)
    words = levels.index.str.contains(r"[^\W\d_]", regex=True)
    stray = levels[bare]
    if words.sum() < 2 or not 0 < stray.sum() <= STRAY_SHARE * levels.sum():
        return levels.iloc[:0]
    return stray if len(stray) <= STRAY_LEVELS else levels.iloc[:0]


def stray_numbers(table: AuditTable) -> list[Finding]:
    """A few rows whose category is a bare number among word levels: a code from another
    version of the data, a level no model can relate to the words."""
    found = _per_category(table, _stray_numbers)
    if not found:
        return []
    detail = "; ".join(
        f"{c}: " + ", ".join(f"{v!r} ({plural(int(n), 'row')})" for v, n in s.items())
        for c, s in found.items()
    )
    fix = [mask_levels(c, list(s.index)) for c, s in found.items()]
    return [
        Finding(
            check="stray_numbers",
            title="Bare numbers among word levels",
            columns=list(found),
            counts={c: int(s.sum()) for c, s in found.items()},
            message=f"Categories of words with a few rows holding a bare number: {detail}. Such "
            "a level is a code from another version of the data: each is learnt from a handful "
            "of rows. Map it to the word it stands for if the data's documentation says, else "
            "mark it missing.",
            fix=code_lines(fix),
            severity="medium",
        )
    ]


def _one_edit(a: str, b: str) -> bool:
    """One letter dropped, doubled or added, or one lower-case letter swapped for another.

    A different digit or capital is how codes differ ("FuseA" and "FuseP", "INLAND" and
    "ISLAND"), so those are levels of their own, not typos.
    """
    if len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        return len(diff) == 1 and all(ch.islower() for ch in diff[0])
    short, long = sorted((a, b), key=len)
    if len(long) - len(short) != 1:
        return False
    return any(
        long[:i] + long[i + 1 :] == short and not long[i].isdigit() for i in range(len(long))
    )


def _near_levels(levels: pd.Series) -> dict[str, str]:
    """Rare level -> the frequent level one letter away, among levels of MIN_WORD letters."""
    levels = levels_text(levels)
    levels = levels.head(FREQUENT_LEVELS * 50)  # the rest are too rare to cost a model much
    levels = levels[levels.index.str.len() >= MIN_WORD]
    frequent = levels.head(FREQUENT_LEVELS)
    pairs = {}
    for rare, n in levels.items():
        for common, m in frequent.items():
            if m < RARE_RATIO * n:
                break
            if _key(rare) != _key(common) and _one_edit(rare, common):
                pairs[rare] = common
                break
    return pairs


def _key(level: str) -> str:
    return re.sub(r"[\W_]+", "", level.lower())


def near_levels(table: AuditTable) -> list[Finding]:
    """A rare level one letter away from a frequent one ("Femal" beside "Female"): a typo."""
    found = _per_category(table, _near_levels)
    if not found:
        return []
    detail = "; ".join(
        f"{c}: " + ", ".join(f"{r!r} ({count(table.levels(c)[r])}) for {f!r}" for r, f in p.items())
        for c, p in found.items()
    )
    fix = [f"frame[{c!r}] = frame[{c!r}].replace({p!r})" for c, p in found.items()]
    return [
        Finding(
            check="near_levels",
            title="Rare levels one letter from a frequent one",
            columns=list(found),
            counts={c: int(table.levels(c)[list(p)].sum()) for c, p in found.items()},
            message=f"Levels at least {RARE_RATIO}x rarer than a level one letter away: "
            f"{detail}. Most are typos, each learnt from a few rows; map them if the data's "
            "documentation does not list them as levels of their own.",
            fix=code_lines(fix),
            severity="low",
        )
    ]
