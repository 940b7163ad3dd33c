"""Write, for each stage, the settings it reads into ``.make/config/<stage>.json``: make's view of
config.yaml.

Make compares file times, not settings. Each stage's rule depends on its own slice of the
resolved configuration (the attributes listed in :data:`.stages.STAGES`), and a slice file is
rewritten only when its content changes, so editing ``interpret.sample_rows`` redoes interpret
(and what follows it) and leaves the data, profile, EDA and training untouched. The Makefile
runs ``python -m <package>.makeconfig`` whenever config.yaml is newer than its record.
"""

import json
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path

from .config import Config, load_config
from .errors import ProjectError
from .stages import STAGES

SLICES = Path(".make") / "config"


def _plain(value):
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def stage_slice(cfg: Config, reads: tuple[str, ...]) -> str:
    """The settings a stage reads, as canonical JSON text."""
    values = {name: _plain(getattr(cfg, name)) for name in reads}
    return json.dumps(values, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_slices(cfg: Config) -> list[str]:
    """Rewrite the slices whose content changed; returns the stages whose settings changed."""
    folder = cfg.root / SLICES
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, stage in STAGES.items():
        path = folder / f"{name}.json"
        text = stage_slice(cfg, stage.reads)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed


def main() -> int:
    try:
        write_slices(load_config(Path.cwd()))
    except ProjectError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
