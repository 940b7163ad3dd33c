quality = read_json(cfg, "data_quality")  # written by `make data`
found = pd.DataFrame(quality["findings"])
found["columns"] = found["columns"].str.join(", ")
display(found[["severity", "title", "columns", "counts"]])
# Rows with no real value per column, by kind: gaps that mean "none" need a level, not imputing
gaps = gap_table(train, quality["findings"])
if len(gaps):
    top = gaps.head(25).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(top) + 1.5))
    (100 * top).plot.barh(stacked=True, ax=ax, width=0.7)
    ax.set(title="Rows without a real value, by kind", xlabel="% of training rows", ylabel="")
    ax.legend(loc="lower right")
    eda.save_figure(fig, cfg, "quality")
    plt.show()
