"""Getting the data in: fetch or copy it safely, record what arrived, and work out what it means.

``acquire`` (with ``kaggle_api``, ``archive`` and ``manifest``) makes data/raw a verified copy of
the source; ``tables`` reads any Kaggle-shaped table; ``understand`` decides which file is train,
which column the target, id, task and metric, and each column's role.
"""
