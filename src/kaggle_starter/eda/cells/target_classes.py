counts = train[TARGET].value_counts()
fig, ax = plt.subplots(figsize=(7, 3.5))
bars = ax.bar(counts.index.astype(str), counts.to_numpy(), color="tab:blue")
ax.bar_label(bars, labels=[f"{n:,} ({n / len(train):.1%})" for n in counts])
ax.margins(y=0.15)  # room for the labels above the tallest bar
ax.set(title=f"Class balance of {TARGET}", xlabel=TARGET, ylabel="rows")
eda.save_figure(fig, cfg, "target")
plt.show()
