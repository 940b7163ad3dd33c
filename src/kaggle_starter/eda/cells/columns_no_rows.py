display(eda.data_dictionary(schema))
# No raw rows here (profile.samples is off, the default for competitions, whose rules often
# forbid sharing their data): the stored types and summary statistics instead of the first rows.
display(train.dtypes.rename("dtype").to_frame().T)
train.describe().transpose()
