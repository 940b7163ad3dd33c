"""Jinja filters for the template, loaded by cookiecutter through ``_extensions``.

``tojson`` is safe against quotes, braces and backslashes, but it escapes a character outside
the Basic Multilingual Plane (an emoji) as a UTF-16 surrogate pair, ``\\ud83d\\ude80``: TOML
rejects that escape ("not a Unicode scalar value") and YAML decodes it into two lone
surrogates. The filters here quote a value as a double-quoted string that TOML, YAML and JSON
all read back exactly: the JSON escapes where an escape is needed, and every other character,
emoji included, written as itself. ``absolute_path`` serves the post-generation hook.
"""

import json
import os

from jinja2.ext import Extension

# Characters that must not appear raw in a double-quoted TOML or YAML string: the quote and the
# backslash, C0 controls, DEL and the C1 controls (YAML's "non-printable"), the Unicode line and
# paragraph separators (YAML 1.1 folds them as line breaks), the byte-order mark, the two
# noncharacters YAML refuses, and surrogates (unencodable on their own).
_ESCAPED = {'"', "\\", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff"}


def _needs_escape(char: str) -> bool:
    code = ord(char)
    return char in _ESCAPED or code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF


def quoted(value) -> str:
    """``value`` as a double-quoted string valid in TOML, YAML and JSON alike.

    Escapes come from ``json.dumps`` one character at a time, so they are the JSON forms
    (``\\"``, ``\\\\``, ``\\n``, ``\\u0085``...), which TOML and YAML share; only characters
    that need one are escaped, so an emoji stays a single character instead of a surrogate pair.
    """
    text = str(value)
    body = "".join(json.dumps(c)[1:-1] if _needs_escape(c) else c for c in text)
    return f'"{body}"'


def absolute_path(value) -> str:
    """An absolute path for a non-empty path, resolved in the process running cookiecutter.

    Hooks run with the new project as their working directory, so a template given as a
    relative path can only be resolved here, where the working directory is the user's.
    """
    text = str(value or "")
    return os.path.abspath(text) if text else ""


class TemplateFilters(Extension):
    """Registers ``toml_string``, ``yaml_string`` and ``absolute_path``.

    ``toml_string`` and ``yaml_string`` are the same function under two names, so that each
    rendered file says which grammar its values must satisfy.
    """

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["toml_string"] = quoted
        environment.filters["yaml_string"] = quoted
        environment.filters["absolute_path"] = absolute_path
