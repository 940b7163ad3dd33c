"""The one exception a user's mistake raises.

Stages raise :class:`ProjectError` with a single sentence (what is wrong, where, how to fix it);
the CLI prints it as an ``ERROR:`` line and exits 1, so a user never reads a traceback for a
mistake of theirs. Anything else is a bug and keeps its traceback.
"""


class ProjectError(Exception):
    """A problem the user can fix, described in one sentence."""
