import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

pd.set_option("display.max_columns", 50)
# text.parse_math off: a "$" in a column name or a level would be read as TeX, and fail.
plt.rcParams.update(
    {"figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3, "text.parse_math": False}
)

cfg = load_config("..")  # the notebook runs in notebooks/; config.yaml is one level up
schema = load_schema(cfg)
train, test = load_train(cfg), load_test(cfg)
TARGET, TASK = cfg.target, cfg.task
groups = feature_columns(schema)
shown = eda.sample(train, eda.PLOT_ROWS, cfg.cv_seed)  # what the figures draw
print(f"train {train.shape}, test {None if test is None else test.shape}, target {TARGET!r}")
