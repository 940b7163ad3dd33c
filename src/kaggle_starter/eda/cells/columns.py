display(eda.data_dictionary(schema))
train.head()
