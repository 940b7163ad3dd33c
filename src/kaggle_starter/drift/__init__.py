"""Monitoring: served inputs (or any batch) against the training data.

``statistics.compare`` measures drift per feature (PSI with a KS or chi-square test, missing
shares, unseen categories), of the predictions against the out-of-fold ones, and as a whole (an
adversarial AUC); ``report.write_report`` turns its result into an offline HTML page with figures.
"""
