"""Stage `report`: write the results into README.md, between the results markers.

The block's content is :mod:`..readme`; this stage checks the markers first (a README without a
block is the news, before any artifact is read), fills the block and writes the file atomically.
Running it twice gives the same file.
"""

from ..config import Config
from ..errors import ProjectError
from ..files import write_text
from ..readme import END, START, check_markers, fill_block, results_markdown


def run(cfg: Config, *, force: bool = False) -> None:
    """Fill the README block; always rewritten (it is cheap and idempotent)."""
    path = cfg.layout.readme
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ProjectError(
            f"{path.name} is missing from {cfg.root}: restore it (e.g. `git checkout README.md`) "
            f"with a {START} … {END} block, then run `make report`."
        ) from exc
    check_markers(text)
    updated = fill_block(text, results_markdown(cfg))
    if updated != text:
        write_text(path, updated)
    print(f"report: {path.name} results block {'updated' if updated != text else 'unchanged'}")
