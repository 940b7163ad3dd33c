"""Free text served against training text: how long it is, and how many of its words are new.

Per text column, two measures a person reading the texts would check first:

- **Length** in characters: the median on each side and a Kolmogorov-Smirnov test of the
  lengths. Lengths come from the full texts, also for a text the log stored cut (its recorded
  length is passed in).
- **Out-of-vocabulary share**: the share of served words (lower-cased words of two letters or
  more, as the text model's word TF-IDF reads them) that are not in training's vocabulary. Even
  a fresh sample of training's own population has new words (names, typos, rare words), so the
  share is set against the same share measured on training: the vocabulary is that of a seeded
  80% of the training rows, and the other 20% (rows the vocabulary never saw) give the expected
  share. Served rows are measured against the same vocabulary, so the two shares are
  comparable. The words of a row are not independent of each other, so the test (one-sided
  Mann-Whitney) compares rows: each row's share of new words, held-out against served.

New words drift when the served share is ``OOV_SHIFT`` or more above the held-out one and the
test agrees (p below the per-feature alpha): the feature then carries an "unseen words" reason,
so the monitor's summary, alarm and report name it as they name any drifted feature.
"""

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.feature_extraction.text import CountVectorizer

from ..shift import FEATURE_ROWS, capped

HELD_OUT = 0.2  # training rows kept out of the vocabulary, for the expected share of new words
OOV_SHIFT = 0.05  # served share of new words this far above the held-out share: drift
MIN_ROWS = 5  # rows with words a side below which the shares are not compared
_words = CountVectorizer().build_analyzer()  # lower case, words of 2+ letters: TF-IDF's words


def _texts(values: pd.Series) -> pd.Series:
    return values.dropna().astype("string").astype(object)


def _shares(texts: pd.Series, vocabulary: set) -> tuple[np.ndarray, int, int]:
    """Each row's share of words outside ``vocabulary`` (rows with words), the new words and
    all words."""
    new, total = [], []
    for text in texts:
        words = _words(text)
        if words:
            new.append(sum(word not in vocabulary for word in words))
            total.append(len(words))
    new, total = np.array(new, float), np.array(total, float)
    shares = new / total if len(total) else np.array([])
    return shares, int(new.sum()), int(total.sum())


def _vocabulary_split(train: pd.Series, seed: int) -> tuple[set, pd.Series]:
    """The vocabulary of a seeded (1 - HELD_OUT) of the training texts, and the other texts."""
    order = np.random.default_rng(seed).permutation(len(train))
    held = int(round(len(train) * HELD_OUT))
    vocabulary = {w for text in train.iloc[order[held:]] for w in _words(text)}
    return vocabulary, train.iloc[order[:held]]


def out_of_vocabulary(train: pd.Series, served: pd.Series, *, seed: int = 0) -> dict:
    """The share of served words training's vocabulary lacks, against held-out training rows."""
    train = capped(_texts(train), FEATURE_ROWS, seed)
    vocabulary, held = _vocabulary_split(train, seed)
    held_rows, held_new, held_words = _shares(held, vocabulary)
    served_rows, served_new, served_words = _shares(_texts(served), vocabulary)
    entry = {
        "vocabulary": len(vocabulary),
        "held_out": held_new / held_words if held_words else None,
        "served": served_new / served_words if served_words else None,
        "served_words": served_words,
        "p_value": None,
    }
    if min(len(held_rows), len(served_rows)) >= MIN_ROWS:
        tested = stats.mannwhitneyu(served_rows, held_rows, alternative="greater")
        entry["p_value"] = float(tested.pvalue) if np.isfinite(tested.pvalue) else 1.0
    return entry


def lengths(train: pd.Series, served: pd.Series, served_lengths: pd.Series | None = None) -> dict:
    """Median lengths in characters on each side and the KS test of the two distributions."""
    a = _texts(train).str.len().astype(float)
    b = served_lengths if served_lengths is not None else _texts(served).str.len()
    b = pd.to_numeric(b, errors="coerce").dropna().astype(float)
    entry = {"train_median": None, "served_median": None, "p_value": None}
    if len(a) and len(b):
        entry.update(train_median=float(a.median()), served_median=float(b.median()))
        entry["p_value"] = float(stats.ks_2samp(a, b).pvalue)
    return entry


def text_drift(
    name: str,
    train: pd.Series,
    served: pd.Series,
    *,
    alpha: float,
    seed: int = 0,
    served_lengths: pd.Series | None = None,
) -> dict:
    """Length and new words of one text column, with the verdict and a sentence saying both."""
    measured = {
        "length": lengths(train, served, served_lengths),
        "oov": out_of_vocabulary(train, served, seed=seed),
    }
    oov = measured["oov"]
    measured["oov"]["drifted"] = bool(
        oov["p_value"] is not None
        and oov["served"] - oov["held_out"] >= OOV_SHIFT
        and oov["p_value"] < alpha
    )
    measured["sentence"] = _sentence(name, measured)
    return measured


def reason(measured: dict) -> str:
    """The few words the feature's reasons get when its new words drifted."""
    oov = measured["oov"]
    return f"unseen words {oov['held_out']:.0%} → {oov['served']:.0%}"


def _sentence(name: str, measured: dict) -> str:
    length, oov = measured["length"], measured["oov"]
    if length["served_median"] is None:
        return f"{name}: no served text to compare with training's."
    said = (
        f"{name}: served texts are {length['served_median']:,.0f} characters long at the median "
        f"against {length['train_median']:,.0f} in training (KS p {length['p_value']:.1e})"
    )
    if oov["served"] is None or oov["held_out"] is None:
        return said + "; they hold no words to compare with training's vocabulary."
    if oov["p_value"] is None:
        verdict = "too few rows with words to test"
    elif oov["drifted"]:
        verdict = "more than chance gives"
    else:
        verdict = "within what new rows of the same kind bring"
    return (
        f"{said}; {oov['served']:.1%} of their words are not in training's vocabulary, against "
        f"{oov['held_out']:.1%} for held-out training rows ({verdict})."
    )
