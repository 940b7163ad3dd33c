fig, axes = plt.subplots(1, len(columns), figsize=(6 * len(columns), 3.6), squeeze=False)
for ax, column in zip(axes.flat, columns, strict=False):
    words = shown[column].astype("string").str.split().str.len()
    if TASK == "regression":
        ax.scatter(words, shown[TARGET], s=8, alpha=0.4)
        ax.set(ylabel=TARGET)
    else:
        for label in sorted(shown[TARGET].unique())[:5]:
            ax.hist(
                words[shown[TARGET] == label].dropna(),
                bins=30,
                alpha=0.5,
                density=True,
                label=f"{TARGET} = {label}",
            )
        ax.set(ylabel="density")
        ax.legend(fontsize="small")
    ax.set(title=f"Length of {column}", xlabel="words")
    frequent = ", ".join(f"{w} ({n})" for w, n in eda.tokens(shown[column]))
    print(f"{column} - frequent words: {frequent}")
fig.suptitle(f"Text length against {TARGET}")
fig.tight_layout()
eda.save_figure(fig, cfg, "text")
plt.show()
