roles = eda.shift_roles(groups, train, test)  # the features both tables have
features = shift.compare_features(train, test, roles, seed=cfg.cv_seed)
adversarial = shift.adversarial(train, test, roles, seed=cfg.cv_seed)
auc_text = "n/a" if adversarial.auc is None else f"{adversarial.auc:.2f}"
print(
    f"Adversarial validation: train vs test ROC AUC = {auc_text}",
    f"({shift.ADVERSARIAL_FOLDS}-fold, out of fold)"
    if adversarial.auc is not None
    else f"({adversarial.reason})",
)
shifted = shift.table(features)
display(shifted.head(15))
top = shifted.head(15).iloc[::-1]  # largest shift at the top
fig, ax = plt.subplots(figsize=(8, 0.35 * len(top) + 1.5))
colours = np.where(top["shifted"].astype(bool), "tab:red", "tab:blue")
ax.barh(range(len(top)), top["psi"], color=colours)
ax.axvline(shift.PSI_SHIFT, color="grey", linestyle="--", linewidth=1)
ax.set_yticks(range(len(top)), top["feature"])
ax.set(
    title=f"Train vs test shift per feature (red: shifted; adversarial AUC {auc_text})",
    xlabel=f"PSI, train vs test (dashed: {shift.PSI_SHIFT}, from where a move can count)",
)
eda.save_figure(fig, cfg, "shift")
plt.show()
