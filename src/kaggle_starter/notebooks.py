"""Running a notebook and publishing it: execution with progress, atomic saves, offline HTML.

Nothing here knows what a notebook is about; the EDA stage (and the user's own notebooks, through
the same functions) decide the cells. Kernels run on this very interpreter, so ``PYTHON=...`` and
the project's virtual environment are honoured whatever kernels the machine has registered.
"""

import importlib.util
import os
import sys
import time
from importlib.resources import files
from pathlib import Path

import nbformat

from .cleanup import MARK, is_generated_notebook, sources_digest
from .errors import ProjectError
from .files import write_text

CELL_TIMEOUT = 1800  # seconds; a cell on a large table may take minutes, never forever
OFFLINE_TEMPLATE = "offline.html.j2"  # in templates/: the lab template without CDN scripts


def _kernel_manager_class() -> type:
    """Kernels on this very interpreter, whatever kernels the machine has registered.

    A ``python3`` kernel spec installed elsewhere could point at another Python without this
    project's dependencies, so the search is limited to ipykernel's built-in spec, which runs
    ``sys.executable``.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    if importlib.util.find_spec("ipykernel") is None:
        raise ProjectError(
            f"ipykernel is not installed for {sys.executable}, so the notebook cannot run: "
            "run `make setup` (or pip install ipykernel into that interpreter)."
        )

    class ThisInterpreter(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _builtin_spec_only(self):
            return KernelSpecManager(kernel_dirs=[])

    return ThisInterpreter


def _progress(notebook: nbformat.NotebookNode) -> tuple:
    """nbclient hooks that print one line per code cell with its seconds."""
    code = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    clock = {"start": time.perf_counter()}

    def started(cell, cell_index, **_):
        if cell_index not in code:
            return
        clock["start"] = time.perf_counter()
        first = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
        print(f"  cell {code.index(cell_index) + 1}/{len(code)}: {first}", end="", flush=True)

    def finished(cell, cell_index, **_):
        if cell_index in code:
            print(f"  ({time.perf_counter() - clock['start']:.1f} s)", flush=True)

    return started, finished, len(code)


def execute(notebook: nbformat.NotebookNode, path: Path, *, root: Path) -> None:
    """Run every cell in ``path``'s folder with progress, and save the notebook to ``path``.

    The project's ``root/src`` is put on the kernel's PYTHONPATH so the cells import the
    package. The notebook is saved even when a cell fails, so its traceback can be read where it
    happened; the failure is one sentence naming the error and the file.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    started, finished, cells = _progress(notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, MPLBACKEND="Agg")
    src = str(root / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        kernel_manager_class=_kernel_manager_class(),
        extra_arguments=["--log-level=ERROR"],  # not the kernel's transport notices
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_start=started,
        on_cell_executed=finished,
    )
    shown = path.relative_to(root).as_posix()
    print(f"Executing {shown} ({cells} code cells):")
    try:
        client.execute(env=env)
    except CellExecutionError as exc:
        print()
        write(notebook, path)
        raise ProjectError(
            f"The notebook stopped with {_error(notebook, exc)}; the traceback is in {shown}."
        ) from exc
    write(notebook, path)


def _error(notebook: nbformat.NotebookNode, exc: Exception) -> str:
    error = next(
        (o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"),
        None,
    )
    return f"{error.ename}: {error.evalue}" if error else str(exc).splitlines()[0]


def mark_generated(notebook: nbformat.NotebookNode) -> None:
    """Record the digest of the cells' sources, so a later edit of the notebook can be told."""
    notebook.metadata[MARK] = {"sources_sha256": sources_digest(notebook.cells)}


def destination(path: Path) -> Path:
    """Where a freshly written notebook goes: ``path``, unless the one there has the user's
    edits; then a ``.generated`` copy beside it, so nothing the user wrote is overwritten."""
    if not path.exists() or is_generated_notebook(path):
        return path
    return path.with_name(f"{path.stem}.generated{path.suffix}")


def put_in_place(fresh: Path, path: Path) -> Path:
    """Move ``fresh`` (an executed notebook) to ``path`` after setting the edited notebook there
    aside (:func:`set_aside`); returns where the edits went. Called once the fresh notebook ran,
    so a failing run leaves the owner's notebook where it was."""
    kept = set_aside(path)
    fresh.replace(path)
    return kept


def set_aside(path: Path) -> Path:
    """Rename an edited notebook to the first free ``<stem>.edited[-N]<suffix>`` beside it.

    A rename in the same folder is atomic, so the edits are either still at ``path`` or at the
    new name, never half copied; earlier set-aside copies are kept by taking the next number.
    """
    for number in range(1, 10_000):
        tag = "edited" if number == 1 else f"edited-{number}"
        kept = path.with_name(f"{path.stem}.{tag}{path.suffix}")
        if not kept.exists():
            path.rename(kept)
            return kept
    raise ProjectError(f"{path.parent}: too many set-aside notebooks; delete old *.edited-*.")


def write(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Save the notebook whole or not at all, so an interrupt never leaves unreadable JSON."""
    text = nbformat.writes(notebook)
    write_text(path, text if text.endswith("\n") else text + "\n")


def export_html(notebook: nbformat.NotebookNode, dest: Path) -> Path:
    """The executed notebook as HTML readable with no network (no CDN scripts)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    template = files(__package__).joinpath("templates", OFFLINE_TEMPLATE).read_text("utf-8")
    exporter = HTMLExporter(
        extra_loaders=[DictLoader({OFFLINE_TEMPLATE: template})],
        template_file=OFFLINE_TEMPLATE,
    )
    body, _ = exporter.from_notebook_node(notebook)
    write_text(dest, body)
    return dest
