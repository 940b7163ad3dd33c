display(eda.numeric_by_target(train, columns, TARGET, TASK))
ncols = min(3, len(columns))
nrows = -(-len(columns) // ncols)
fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.4 * nrows), squeeze=False)
classes = sorted(shown[TARGET].unique()) if TASK != "regression" else []
for ax, column in zip(axes.flat, columns, strict=False):
    if TASK == "regression":
        ax.scatter(shown[column], shown[TARGET], s=8, alpha=0.4)
        ax.set(ylabel=TARGET)
    elif len(classes) <= 3:
        for label in classes:
            part = shown.loc[shown[TARGET] == label, column].dropna()
            ax.hist(part, bins=30, alpha=0.5, density=True, label=f"{TARGET} = {label}")
        ax.set(ylabel="density")
    else:
        parts = [shown.loc[shown[TARGET] == label, column].dropna() for label in classes]
        ax.boxplot(parts, tick_labels=[str(label) for label in classes])
    ax.set(title=column, xlabel=column)
for ax in axes.flat[len(columns) :]:
    ax.set_visible(False)
if 0 < len(classes) <= 3:
    axes[0, 0].legend()
fig.suptitle(f"Numeric features against {TARGET}")
fig.tight_layout()
eda.save_figure(fig, cfg, "numeric")
plt.show()
