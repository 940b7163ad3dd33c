"""Figures take text from the data as it is written: a "$" is not TeX."""

from kaggle_starter.plots import plt, save


def test_a_title_that_looks_like_tex_is_drawn_as_written(tmp_path):
    fig, ax = plt.subplots()
    ax.bar([r"$\x$", "$5 and $6"], [1, 2])
    ax.set_title(r"target $\frac{a}{$")
    save(fig, tmp_path / "figure.png")
    assert (tmp_path / "figure.png").stat().st_size > 1000


def test_the_notebook_turns_tex_off_too():
    from importlib.resources import files

    setup = files("kaggle_starter.eda").joinpath("cells", "setup.py").read_text()
    assert '"text.parse_math": False' in setup
