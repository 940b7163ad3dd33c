"""Markdown as the site's HTML: the owner's README prose and the results sections of the README
block, so the site and the README say the same things in the same words.

Links and images are pointed at the site (see :class:`Links`): a project file the site publishes
(a figure, a report) becomes its page or its copy in site/, any other file of the project a link
to it on GitHub (or plain words, when the repository is not known). An image from the network (a
badge) and raw HTML are left out, since no page may load anything from elsewhere; the stage says
so for raw HTML and for images it cannot find. Headings get GitHub's anchors (so the README's own
``#links`` work) and are shifted so that the page's title stays its only ``<h1>``.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mistune
from mistune.renderers.html import HTMLRenderer
from mistune.util import striptags

PLUGINS = ["table", "strikethrough"]
REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # http:, https:, mailto:, data: ...


@dataclass
class Links:
    """Where a link or an image of the project points on the site.

    ``link(path)`` and ``image(path)`` take a path relative to the project and return the address
    to write (a page or copy of the site, or the file on GitHub), or None when there is nothing to
    point at; ``anchors`` are the ids already used on the page, so headings never repeat one.
    """

    link: Callable[[str], str | None]
    image: Callable[[str], str | None]
    anchors: set[str] = field(default_factory=set)
    left_out: list[str] = field(default_factory=list)  # what the prose held that was dropped


def anchor(text: str, taken: set[str]) -> str:
    """GitHub's id for a heading (lower case, punctuation dropped, spaces as hyphens), made unique
    on the page with -1, -2 ... as GitHub does."""
    base = re.sub(r"[^\w\- ]", "", striptags(text).strip().lower()).replace(" ", "-") or "section"
    found, number = base, 0
    while found in taken:
        number += 1
        found = f"{base}-{number}"
    taken.add(found)
    return found


class SiteRenderer(HTMLRenderer):
    """mistune's HTML with the site's links, images and headings."""

    def __init__(self, links: Links, shift: int):
        super().__init__(escape=True)
        self.links = links
        self.shift = shift

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        level = min(6, level + self.shift)
        return f'<h{level} id="{anchor(text, self.links.anchors)}">{text}</h{level}>\n'

    def link(self, text: str, url: str, title: str | None = None) -> str:
        if not text.strip():  # a badge whose image was left out: nothing left to click
            return ""
        if not (url.startswith("#") or REMOTE.match(url)):
            path, _, fragment = url.partition("#")
            found = self.links.link(path)
            if found is None:  # a file the site cannot point at: the words stay, unlinked
                return text
            url = f"{found}#{fragment}" if fragment else found
        return super().link(text, url, title)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        if REMOTE.match(url):  # a badge, mostly: the site loads nothing from elsewhere
            return ""
        local = self.links.image(url)
        if local is None:
            self.links.left_out.append(f"the image {url}, which is not in the project")
            return ""
        return super().image(text or url, local, title)

    def paragraph(self, text: str) -> str:
        return super().paragraph(text) if text.strip() else ""

    def block_html(self, html: str) -> str:
        return self.inline_html(html.strip())

    def inline_html(self, html: str) -> str:
        if not html.startswith("<!--"):  # a comment shows nothing anyway
            self.links.left_out.append("raw HTML")  # it could load anything from anywhere
        return ""


def to_html(text: str, links: Links, *, top: int = 2) -> str:
    """``text`` (markdown) as HTML; its highest heading becomes ``<h{top}>``."""
    tokens, state = mistune.create_markdown(renderer=None, plugins=PLUGINS).parse(text)
    levels = [t["attrs"]["level"] for t in tokens if t["type"] == "heading"]
    renderer = SiteRenderer(links, shift=top - min(levels) if levels else 0)
    mistune.create_markdown(renderer=renderer, plugins=PLUGINS)  # adds the plugins' HTML to it
    return renderer(tokens, state)


def section(text: str) -> tuple[str, str]:
    """(heading, body) of a section such as ``readme.cv_table`` returns: its first line is a
    markdown heading, which the page writes itself."""
    first, _, rest = text.strip().partition("\n")
    if not first.startswith("#"):
        return "", text
    return first.lstrip("#").strip(), rest.strip()
