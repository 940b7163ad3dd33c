"""Explaining a fitted model: permutation importance, Shapley values, partial dependence, the
out-of-fold performance, the sentences that say what they show, and the figures."""
