"""The engine's unit tests: the package imported in place, an example project active."""

import example  # noqa: F401  (renders the example project and makes it the active one)
