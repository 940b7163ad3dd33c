"""Monitoring: served inputs (or any batch) against the training data.

``statistics.compare`` applies :mod:`..shift`'s measures (PSI with a KS or chi-square test per
feature, missing shares, unseen categories, an adversarial AUC: the same the EDA and the audit
report for train against test) to served rows, and the predictions to the out-of-fold ones;
``report.write_report`` turns its result into an offline HTML page with figures.
"""
