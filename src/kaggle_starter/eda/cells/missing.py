missing = eda.missing_shares(train.drop(columns=[TARGET]), test)
display((100 * missing).round(1).rename(columns=lambda c: f"{c} missing %"))
top = missing.head(25).iloc[::-1]
fig, ax = plt.subplots(figsize=(8, 0.35 * len(top) + 1.5))
y = np.arange(len(top))
ax.barh(y - 0.2 * ("test" in top), 100 * top["train"], height=0.4, label="train")
if "test" in top:
    ax.barh(y + 0.2, 100 * top["test"].fillna(0), height=0.4, label="test")
ax.set_yticks(y, top.index)
ax.set(title="Missing values per column", xlabel="% of rows missing")
ax.legend()
eda.save_figure(fig, cfg, "missing")
plt.show()
