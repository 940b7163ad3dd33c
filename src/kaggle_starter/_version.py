"""The engine's version, alone in its file: make's code digests leave this file out (see
:mod:`.makestate`), so a release that changes only the number reruns no stage."""

__version__ = "0.6.0"
