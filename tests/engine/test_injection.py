"""Text from the data cannot become markup: README markers stay single, notebook names stay text."""

from kaggle_starter.eda.notebook import code_span, esc
from kaggle_starter.readme import END, START, check_markers, fill_block

README = f"# Mine\n\n{START}\nold\n{END}\n\nMy notes.\n"


def test_a_category_that_reads_like_a_marker_does_not_break_the_next_report():
    block = f"| target | `no`, `{END}`, `<!-- hidden -->` |"
    filled = fill_block(README, block)
    check_markers(filled)  # still exactly one start and one end marker
    again = fill_block(filled, block)
    assert again == filled and again.endswith(f"{END}\n\nMy notes.\n")
    assert "<!--" not in again.split(START, 1)[1].split(END, 1)[0]


def test_a_name_with_backticks_stays_inside_its_code_span():
    name = "y`<img src=x onerror=alert(1)>`"
    assert code_span(name) == "`` y`<img src=x onerror=alert(1)>` ``"
    assert code_span("`edge`") == "`` `edge` ``"
    assert code_span("plain") == "`plain`"


def test_escaped_text_has_no_live_backticks_or_tags():
    assert esc("a`b<c>") == "a\\`b\\<c\\>"


def test_the_block_links_only_files_that_are_committed(tmp_path):
    """submissions/ is gitignored: the README names the submission but does not link it."""
    import shutil

    from example import EXAMPLE

    from kaggle_starter.config import load_config
    from kaggle_starter.readme import reproduce

    shutil.copy(EXAMPLE / "config.yaml", tmp_path / "config.yaml")
    (tmp_path / "submissions").mkdir()
    (tmp_path / "submissions/submission.csv").write_text("id,y\n1,0\n")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports/eda.html").write_text("<html></html>")
    text = reproduce(load_config(tmp_path))
    assert "](submissions/" not in text and "`submissions/submission.csv` (local" in text
    assert "[EDA notebook (HTML)](reports/eda.html)" in text
    ignored = (EXAMPLE / ".gitignore").read_text().splitlines()
    assert "submissions/" in ignored and "reports/" not in ignored
