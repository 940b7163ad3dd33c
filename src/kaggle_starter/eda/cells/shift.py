shifted = eda.drift(train, test, groups)
auc = eda.adversarial_auc(train, test, groups, cfg.cv_seed)  # None: too few rows to tell
auc_text = "n/a" if auc is None else f"{auc:.2f}"
print(
    f"Adversarial validation: train vs test ROC AUC = {auc_text}",
    f"({eda.ADVERSARIAL_FOLDS}-fold CV)",
)
display(shifted.head(15))
top = shifted.head(15).iloc[::-1]
fig, ax = plt.subplots(figsize=(8, 0.35 * len(top) + 1.5))
position = pd.Series(range(len(top)), index=top.index)  # largest shift at the top
for measure, rows in top.groupby("measure", sort=False):
    colour = eda.DRIFT_MEASURES[measure]
    ax.barh(position[rows.index], rows["statistic"], color=colour, label=measure)
ax.set_yticks(position, top["feature"])
ax.set(
    title=f"Train vs test distribution shift (adversarial AUC {auc_text})",
    xlabel="distance between train and test (0 = same, 1 = disjoint)",
)
if len(top):
    ax.legend(loc="lower right")
eda.save_figure(fig, cfg, "shift")
plt.show()
