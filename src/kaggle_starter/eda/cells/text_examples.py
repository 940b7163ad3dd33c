# Raw rows, shown because profile.samples allows them: two texts of each class (or of the
# lowest and highest targets), to read what the counts above are made of.
for column in columns:
    rows = shown[[column, TARGET]].dropna()
    if TASK == "regression":
        picked = pd.concat([rows.nsmallest(2, TARGET), rows.nlargest(2, TARGET)])
    else:
        picked = rows.groupby(TARGET, group_keys=False).head(2).sort_values(TARGET)
    with pd.option_context("display.max_colwidth", 300):
        display(picked)
