"""Exploratory analysis: the numbers (``analysis``), the sentences (``prose``), the notebook that
shows them (``notebook`` with its cells in ``cells/``), and the profiling plan (``profiling``)."""
