fig, axes = plt.subplots(len(columns), 2, figsize=(12, 3.6 * len(columns)), squeeze=False)
for row, column in zip(axes, columns, strict=False):
    dates = shown[column]
    span = (dates.max() - dates.min()).days
    freq = "Y" if span > 3650 else "M" if span > 90 else "D"
    period = dates.dt.to_period(freq)
    counts = period.value_counts().sort_index()
    row[0].plot(counts.index.to_timestamp(), counts.to_numpy(), marker=".", label="train")
    if test is not None and column in test:
        test_counts = eda.sample(test)[column].dt.to_period(freq).value_counts().sort_index()
        row[0].plot(
            test_counts.index.to_timestamp(), test_counts.to_numpy(), marker=".", label="test"
        )
    row[0].set(title=f"Rows per period of {column}", xlabel=column, ylabel="rows")
    row[0].legend()
    if TASK == "regression":
        trend, what = shown[TARGET].groupby(period).mean(), f"mean {TARGET}"
    elif TASK == "binary":
        positive = eda.positive_class(schema["classes"])
        what = f"share {TARGET}={positive}"
        trend = (shown[TARGET] == positive).groupby(period).mean()
    else:
        trend = shown[TARGET].groupby(period).agg(lambda s: s.value_counts(normalize=True).iloc[0])
        what = "share of the most common class"
    trend = trend.sort_index()
    row[1].plot(trend.index.to_timestamp(), trend.to_numpy(), marker=".", color="tab:red")
    row[1].set(title=f"{what} over {column}", xlabel=column, ylabel=what)
fig.tight_layout()
eda.save_figure(fig, cfg, "dates")
plt.show()
