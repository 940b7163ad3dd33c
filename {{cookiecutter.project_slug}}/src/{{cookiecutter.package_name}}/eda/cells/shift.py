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
colors = top["measure"].map(eda.DRIFT_MEASURES)
ax.barh(top["feature"], top["statistic"], color=colors)
ax.set(
    title=f"Train vs test distribution shift (adversarial AUC {auc_text})",
    xlabel="KS statistic (continuous) / total variation distance (categorical)",
)
eda.save_figure(fig, cfg, "shift")
plt.show()
