"""The README results block is replaced in place, idempotently, and the author's prose survives."""

import pytest

from kaggle_starter.errors import ProjectError
from kaggle_starter.readme import END, START, fill_block, next_steps
from kaggle_starter.text import score

README = f"# My project\n\nMy own introduction.\n\n{START}\nold results\n{END}\n\n## Notes\nMine.\n"


def test_the_block_is_replaced_and_the_rest_is_kept():
    filled = fill_block(README, "| model | score |\n|---|---|\n| best | 0.8123 |")
    assert "old results" not in filled
    assert "| best | 0.8123 |" in filled
    assert filled.startswith("# My project\n\nMy own introduction.\n\n" + START)
    assert filled.endswith(END + "\n\n## Notes\nMine.\n")


def test_filling_twice_gives_the_same_text():
    once = fill_block(README, "new results\n")
    assert fill_block(once, "new results\n") == once


@pytest.mark.parametrize(
    "text",
    [
        "# No markers at all\n",
        f"{END}\nreversed\n{START}\n",
        f"{START}\n{START}\nonly one end\n{END}\n",
    ],
)
def test_broken_markers_are_one_sentence_on_how_to_restore_them(text):
    with pytest.raises(ProjectError, match="put the lines <!-- results:start -->"):
        fill_block(text, "results")


def test_scores_have_four_decimals():
    assert score(0.81234567) == "0.8123"
    assert score(47549.0) == "47549.0000"


def test_next_steps_come_from_eda_json_and_are_absent_without_it():
    steps = next_steps({"next_steps": ["Try TF-IDF n-grams on Name.", "Try class weights."]})
    assert steps == "### What to try next\n\n- Try TF-IDF n-grams on Name.\n- Try class weights."
    assert next_steps(None) == "" and next_steps({"next_steps": []}) == ""
