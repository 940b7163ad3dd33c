"""Stage `data`: a verified copy of the source in data/raw, understood and typed in data/processed.

Acquisition (download or copy, checksums, manifest) is :mod:`..ingest.acquire`; what the files
mean (train/test/sample submission, target, id, task, metric, column roles) is
:mod:`..ingest.folder`. This stage writes typed Parquet tables, ``schema.json`` and what it
detected (``detected.json``, read together with config.yaml, which no stage writes) into
data/processed. The user's answers in config.yaml always win over what is detected. Last, the
data-quality audit (:mod:`..quality`) reads the typed tables with the detected roles and writes
``reports/data_quality.json``: it is linear in rows (about 1.5 s on 1.3 million), so every
`make data` says at once what needs cleaning.

A train CSV too large for memory is streamed (:mod:`..ingest.stream`): its typed tables arrive
as Parquet files in a scratch folder beside data/processed and are moved in whole, and the audit
reads a seeded sample of their rows, which data_quality.json (``sample``) and the output say.
"""

import filecmp
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from ..config import DETECTED, Config, write_detected
from ..files import replace_dir, write_json, write_text
from ..ingest.acquire import acquire
from ..ingest.folder import describe_folder
from ..ingest.stream import audit_sample
from ..quality.report import quality_report
from ..text import count


def run(cfg: Config, *, force: bool = False) -> None:
    """Fetch (or reuse) data/raw, describe it, and write data/processed (with detected.json).

    The new copy is described before it replaces data/raw (``check``), so data that turns out
    unusable never displaces a good copy.
    """
    described: dict[str, tuple] = {}
    cfg.layout.processed.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".ingest-", dir=cfg.layout.processed.parent))
    try:

        def check(folder: Path, metadata: dict) -> None:
            described["new"] = describe_folder(cfg.answers, metadata, folder, work)

        metadata = acquire(cfg, force=force, check=check)
        schema, tables = described.get("new") or describe_folder(
            cfg.answers, metadata, cfg.layout.raw, work
        )
        audited, sampled = _audit_input(tables, cfg.cv_seed)
        _write_processed(cfg, schema, tables)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(_summary(schema, metadata.get("evaluation_metric")))
    if "sample" in schema:
        print(
            f"Column roles from a seeded sample of {count(schema['sample']['rows'], 'train row')}"
            "; row counts, missing shares, distinct values and classes are exact."
        )
    _write_quality(cfg, schema, audited, sampled)


def _audit_input(
    tables: dict[str, pd.DataFrame | Path], seed: int
) -> tuple[dict[str, pd.DataFrame], dict[str, dict]]:
    """The frames the audit reads: streamed tables (Parquet files) as a seeded sample of rows
    when large; ``sampled`` says, per table, how many rows of how many."""
    frames, sampled = {}, {}
    for name, table in tables.items():
        if isinstance(table, pd.DataFrame):
            frames[name] = table
            continue
        frames[name], total = audit_sample(table, seed)
        if len(frames[name]) < total:
            sampled[name] = {"rows": len(frames[name]), "of": total}
    return frames, sampled


def _write_processed(cfg: Config, schema: dict, tables: dict[str, pd.DataFrame | Path]) -> None:
    """Write the tables and schema.json into a fresh folder, then swap it in whole.

    When every file comes out byte for byte as before, the old folder stays, timestamps and all,
    so make does not redo the stages that read it.
    """
    processed = cfg.layout.processed
    processed.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".processed-", dir=processed.parent))
    try:
        for name, table in tables.items():
            if isinstance(table, Path):  # streamed: already typed Parquet, moved in whole
                os.replace(table, staging / f"{name}.parquet")
            else:
                table.to_parquet(staging / f"{name}.parquet", index=False)
        write_json(staging / "schema.json", schema, default=str)
        write_detected(staging, {key: schema[key] for key in DETECTED})
        if _same_files(staging, processed):
            print("data/processed is unchanged.")
        else:
            replace_dir(staging, processed)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_quality(
    cfg: Config, schema: dict, tables: dict[str, pd.DataFrame], sampled: dict[str, dict]
) -> None:
    """Audit the typed tables and write data_quality.json, only when its content changed.

    The EDA stage is redone when this file changes, so an unchanged audit keeps its timestamp.
    ``sampled`` names the tables audited on a seeded sample of rows (``sample`` in the file).
    """
    report = quality_report(
        tables["train"],
        tables.get("test"),
        target=schema["target"],
        task=schema["task"],
        id_column=schema["id"],
        seed=cfg.cv_seed,
        roles={c["name"]: c["role"] for c in schema["columns"]},
    )
    if sampled:
        report["sample"] = {"seed": cfg.cv_seed, **sampled}
    path = cfg.layout.data_quality
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_text(path, text)
    found = report["severity"]
    listed = ", ".join(f"{n} {severity}" for severity, n in found.items() if n)
    print(
        f"Data quality: {count(len(report['findings']), 'finding')}"
        + (f" ({listed})" if listed else "")
        + f" in {path.relative_to(cfg.root)}"
        + "".join(
            f", {name} audited on a seeded sample of {count(part['rows'], 'row')} of {part['of']:,}"
            for name, part in sampled.items()
        )
        + "."
    )


def _same_files(new: Path, old: Path) -> bool:
    if not old.is_dir():
        return False
    names = sorted(p.name for p in new.iterdir())
    if names != sorted(p.name for p in old.iterdir()):
        return False
    return all(filecmp.cmp(new / n, old / n, shallow=False) for n in names)


def _summary(schema: dict, kaggle_metric: str | None) -> str:
    roles: dict[str, int] = {}
    for column in schema["columns"]:
        roles[column["role"]] = roles.get(column["role"], 0) + 1
    counts = ", ".join(f"{n} {role}" for role, n in roles.items() if role != "target")
    test_rows = schema["rows"]["test"]
    from_kaggle = f" (Kaggle: {kaggle_metric})" if kaggle_metric else ""
    test = f", test {count(test_rows, 'row')}" if test_rows is not None else ", no test file"
    texts = [
        f"{c['name']} ({c['text_because']})" for c in schema["columns"] if c.get("text_because")
    ]
    why = (
        f"\nText columns: {'; '.join(texts)}. To treat one as categorical, convert it with "
        ".astype('category') in clean() (features.py); to read another as text, name it in "
        "data.text_columns in config.yaml."
        if texts
        else ""
    )
    return (
        f"Train {count(schema['rows']['train'], 'row')}{test}; target {schema['target']!r} "
        f"({schema['task']}), id {schema['id']!r}, metric {schema['metric']}{from_kaggle}; "
        f"columns: {counts}.{why}"
    )
