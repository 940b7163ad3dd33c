"""What the engine records of the owner's code: every module of their package, by sha256."""

import shutil

from example import EXAMPLE, PACKAGE

from kaggle_starter import owner


def test_a_module_features_py_imports_is_code_the_model_was_trained_with(tmp_path):
    root = shutil.copytree(EXAMPLE, tmp_path / "project")
    project = owner.Owner(root, PACKAGE)
    helpers = project.folder / "helpers.py"
    helpers.write_text("def title(name):\n    return name.split(',')[0]\n")
    (project.folder / "__pycache__").mkdir(exist_ok=True)
    (project.folder / "__pycache__" / "stale.py").write_text("x = 1\n")
    (project.folder / "features copy.py").write_text("x = 1\n")  # an editor's copy: no module
    (project.folder / ".swap.py").write_text("x = 1\n")
    recorded = owner.digests(project)
    assert {"features.py", "extend.py", "helpers.py"} <= set(recorded)
    assert recorded["extend.py"] is None
    assert not {"__pycache__/stale.py", "features copy.py", ".swap.py"} & set(recorded)
    assert owner.changed(recorded, project) == []

    helpers.write_text("def title(name):\n    return name.split(',')[1]\n")
    assert owner.changed(recorded, project) == [f"src/{PACKAGE}/helpers.py"]
    # A card written before every module was recorded still compares what it holds.
    assert owner.changed({"features.py": recorded["features.py"]}, project) == []
