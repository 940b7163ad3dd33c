"""Where `make eda` writes its notebook when one with the owner's edits is already there."""

import nbformat

from kaggle_starter.notebooks import destination, mark_generated, put_in_place


def _notebook(path, *sources, generated=True):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    if generated:
        mark_generated(notebook)
    nbformat.write(notebook, path)
    return path.read_bytes()


def test_an_unedited_or_missing_notebook_is_written_in_place(tmp_path):
    path = tmp_path / "01-eda.ipynb"
    assert destination(path) == path
    _notebook(path, "x = 1")
    assert destination(path) == path


def test_an_edited_notebook_gets_a_generated_copy_beside_it(tmp_path):
    path = tmp_path / "01-eda.ipynb"
    mine = _notebook(path, "x = 1", generated=False)
    assert destination(path) == tmp_path / "01-eda.generated.ipynb"
    assert path.read_bytes() == mine


def test_forcing_sets_the_edits_aside_and_never_over_an_earlier_copy(tmp_path):
    path, fresh = tmp_path / "01-eda.ipynb", tmp_path / "01-eda.generated.ipynb"
    first = _notebook(path, "mine = 1", generated=False)
    new = _notebook(fresh, "fresh = 1")
    assert put_in_place(fresh, path) == tmp_path / "01-eda.edited.ipynb"
    assert path.read_bytes() == new and not fresh.exists()
    assert (tmp_path / "01-eda.edited.ipynb").read_bytes() == first

    second = _notebook(path, "mine = 2", generated=False)
    _notebook(fresh, "fresh = 2")
    assert put_in_place(fresh, path) == tmp_path / "01-eda.edited-2.ipynb"
    assert (tmp_path / "01-eda.edited.ipynb").read_bytes() == first
    assert (tmp_path / "01-eda.edited-2.ipynb").read_bytes() == second
