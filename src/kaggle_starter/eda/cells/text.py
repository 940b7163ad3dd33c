classified = TASK != "regression"
fig, axes = plt.subplots(
    2 if classified else 1, len(columns), figsize=(6 * len(columns), 7.2 if classified else 3.6),
    squeeze=False,
)  # fmt: skip
for i, column in enumerate(columns):
    ax = axes[0, i]
    words = shown[column].astype("string").str.split().str.len()
    if classified:
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
    else:
        ax.scatter(words, shown[TARGET], s=8, alpha=0.4)
        ax.set(ylabel=TARGET)
    ax.set(title=f"Length of {column}", xlabel="words")
    frequent = ", ".join(f"{w} ({n})" for w, n in eda.tokens(shown[column]))
    print(f"{column} - frequent words: {frequent}")
    if not classified:
        continue
    # The n-grams most typical of each class: counts of rows, never the rows themselves.
    terms = pd.DataFrame(eda.separating_terms(shown[column], shown[TARGET]))
    ax = axes[1, i]
    if terms.empty:
        ax.set_axis_off()
        continue
    top = terms.groupby("class").head(6).sort_values("log_odds")  # listed surest first
    ax.barh([f"{t} ({c})" for t, c in zip(top["term"], top["class"], strict=True)], top["log_odds"])
    ax.set(title=f"n-grams typical of a class in {column}", xlabel="log odds (class vs the rest)")
    display(terms.set_index(["class", "term"]))
fig.suptitle(f"Text against {TARGET}")
fig.tight_layout()
eda.save_figure(fig, cfg, "text")
plt.show()
