"""The site's HTML: Jinja templates for its own pages, the navigation bar for the others.

The templates live in ``templates/`` beside this module (package data, so make redoes the site
when one changes) and are autoescaped: values from the data (a finding's message, a run's note)
are text, never markup. Markup the site made itself (markdown it converted, see
:mod:`.markdown`) is passed as :class:`markupsafe.Markup`.

The reports other stages wrote (the notebook's HTML, the profiles, the monitoring report) are
complete pages with their own styles; they are copied once, with the navigation bar added after
``<body>`` and the favicon and the bar's styles (kept to its own class) at the end of the head.
"""

import re
from dataclasses import dataclass
from importlib import resources

import jinja2
from markupsafe import Markup

TEMPLATES = "templates"  # beside this module
STATIC = "static"  # the stylesheets, the favicon and the try-it adapter, copied as they are
BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """A page of the site: its file and its label in the navigation bar."""

    file: str
    label: str


_environment = jinja2.Environment(
    loader=jinja2.PackageLoader(__package__, TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render(template: str, **context) -> str:
    """A template of ``templates/`` filled with ``context``."""
    return _environment.get_template(template).render(**context)


def markup(html: str) -> Markup:
    """HTML the site wrote itself (converted markdown), to be inserted as it is."""
    return Markup(html)


def static_files() -> dict[str, bytes]:
    """The files of ``static/`` by name."""
    folder = resources.files(__package__).joinpath(STATIC)
    return {item.name: item.read_bytes() for item in folder.iterdir() if item.is_file()}


def with_navigation(html: str, **context) -> str:
    """A page written by another stage, with the site's favicon and navigation bar added."""
    head = render("head_links.html.j2", **context)
    navigation = render("nav.html.j2", **context)
    body = BODY.search(html)
    if body is None:
        return head + navigation + html
    # Minified pages (the profiles) leave out </head>: what comes before <body> is the head.
    end = HEAD_END.search(html, 0, body.start())
    at = end.start() if end else body.start()
    return html[:at] + head + html[at : body.end()] + "\n" + navigation + html[body.end() :]
