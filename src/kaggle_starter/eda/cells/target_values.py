values = train[TARGET].astype(float)
log_ok = values.min() >= 0
fig, axes = plt.subplots(1, 2 if log_ok else 1, figsize=(11 if log_ok else 6, 3.5), squeeze=False)
axes[0, 0].hist(values, bins=50, color="tab:blue")
axes[0, 0].set(title=f"{TARGET} (skew {values.skew():.2f})", xlabel=TARGET, ylabel="rows")
if log_ok:
    logs = np.log1p(values)
    axes[0, 1].hist(logs, bins=50, color="tab:green")
    axes[0, 1].set(
        title=f"log1p({TARGET}) (skew {logs.skew():.2f})", xlabel=f"log1p({TARGET})", ylabel="rows"
    )
fig.suptitle(f"Distribution of the target {TARGET}")
eda.save_figure(fig, cfg, "target")
plt.show()
