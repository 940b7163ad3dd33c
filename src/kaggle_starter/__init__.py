"""kaggle-starter's engine: every stage of a kaggle-starter project, installed as one package.

A project rendered from the template holds its owner's work (``features.py``, ``extend.py``,
config.yaml, notebooks, the write-up) and depends on this package, pinned; the stages run as
``kaggle-starter <stage>`` from the project's root.

``stages/`` holds one module per make target, each ``run(cfg)``; the folders beside it hold the
library code they call: ``ingest/`` (fetch and understand the data), ``eda/`` (analysis and the
notebook), ``modeling/`` (preprocessing, the model suite, folds), ``interpret/`` (importance,
SHAP, dependence), ``quality/`` (the data-quality audit), ``serving/`` and ``drift/`` (the
service and its monitoring). Top-level modules are shared: ``config`` (the one reader of
config.yaml), ``layout`` (where artifacts live), ``artifacts`` (how they are read), ``files``
(how they are written), ``text`` (how numbers read), ``owner`` (the project's own code).

Importing this package imports nothing but its version (``_version.py``), so the
post-generation hook can read the engine's modules from a checkout before anything is installed.
"""

from ._version import __version__

__all__ = ["__version__"]
