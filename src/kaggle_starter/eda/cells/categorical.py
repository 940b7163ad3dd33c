positive = eda.positive_class(schema["classes"]) if TASK == "binary" else None
fig, axes = plt.subplots(1, len(columns), figsize=(5 * len(columns), 4.5), squeeze=False)
for ax, column in zip(axes.flat, columns, strict=False):
    table = eda.level_table(train, column, TARGET, TASK, positive)
    display(table)
    labels = [f"{level} (n={n:,})" for level, n in table["rows"].items()]
    if TASK == "multiclass":
        left = np.zeros(len(table))
        for label in table.columns.drop("rows"):
            ax.barh(labels, table[label], left=left, label=str(label))
            left += table[label].to_numpy()
        ax.set(xlabel="share of rows")
        ax.legend(title=TARGET, fontsize="small")
    else:
        value = table.columns[-1]
        ax.barh(labels, table[value], color="tab:orange")
        overall = (train[TARGET] == positive).mean() if TASK == "binary" else train[TARGET].mean()
        ax.axvline(overall, color="black", linestyle="--", label="all rows")
        ax.set(xlabel=value)
        ax.legend(fontsize="small")
    ax.set(title=column)
    ax.invert_yaxis()
fig.suptitle(f"Categorical levels against {TARGET}")
fig.tight_layout()
eda.save_figure(fig, cfg, "categorical")
plt.show()
