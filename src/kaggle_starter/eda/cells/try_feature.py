X = train.drop(columns=[TARGET])
engineered = features.add_features(features.clean(X.copy()))
added = [c for c in engineered.columns if c not in X.columns]
print("features.py adds:", ", ".join(map(str, added)) or "nothing yet")
before = eda.quick_score(X, train[TARGET], TASK, cfg.cv_seed)
# The same columns score the same: fit once until features.py changes something.
unchanged = engineered.equals(X)
after = before if unchanged else eda.quick_score(engineered, train[TARGET], TASK, cfg.cv_seed)
print(
    f"quick 3-fold score (accuracy or R², higher is better): {before:.4f} without, {after:.4f} with"
)
