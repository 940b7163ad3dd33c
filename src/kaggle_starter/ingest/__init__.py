"""Getting the data in: fetch or copy it safely, record what arrived, and work out what it means.

``acquire`` (with ``kaggle_api``, ``archive`` and ``manifest``) makes data/raw a verified copy of
the source; ``tables`` reads any Kaggle-shaped table; ``detect`` holds the rules that decide
which file is train, which column the target and the id, the task and each column's role;
``folder`` applies them to one raw folder and checks the owner's answers against the data;
``stream`` takes a CSV too large for memory into typed Parquet, counting and sampling it.
"""
