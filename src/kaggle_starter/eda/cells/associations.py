ranked = eda.associations(train, groups, TARGET, TASK, cfg.cv_seed)
display(ranked.head(15))
top = ranked.head(15).iloc[::-1]
fig, ax = plt.subplots(figsize=(8, 0.35 * len(top) + 1.5))
ax.barh(top["feature"], top["association"], color="tab:purple")
ax.set(
    title=f"Features ranked by mutual information with {TARGET}", xlabel="mutual information (nats)"
)
eda.save_figure(fig, cfg, "associations")
plt.show()
