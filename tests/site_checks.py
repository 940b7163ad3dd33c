"""What every site `make site` writes must be, read from its files: every local link and image
resolves inside site/, nothing is loaded from the network, every image has alt text, and the
site's own pages have their headings in order and a social card."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# (tag, attribute) pairs that make a browser fetch something as it renders the page.
LOADS = {
    ("img", "src"),
    ("script", "src"),
    ("link", "href"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
}
NOT_FILES = ("mailto:", "javascript:", "data:", "tel:")
GENERATOR = "kaggle-starter make site"  # the meta the site's own pages carry


class Page(HTMLParser):
    """What a page loads, links to, shows and says about itself."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []
        self.images: list[dict] = []
        self.ids: set[str] = set()
        self.headings: list[tuple[int, str]] = []
        self.meta: dict[str, str] = {}
        self._heading: list = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        self.ids.update(attrs[key] for key in ("id", "name") if key in attrs)
        self.loads += [attrs[a] for t, a in LOADS if t == tag and attrs.get(a)]
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._heading = [int(tag[1]), ""]

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data

    def handle_endtag(self, tag):
        if self._heading and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = []

    @property
    def own(self) -> bool:
        return self.meta.get("generator") == GENERATOR


def read(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def pages(site: Path) -> dict[str, Page]:
    return {p.relative_to(site).as_posix(): read(p) for p in sorted(site.rglob("*.html"))}


def _target(site: Path, page: str, reference: str) -> Path | None:
    """The file inside the site a local reference points at (None: it leaves the site)."""
    path = unquote(urlsplit(reference).path)
    if not path:
        return site / page
    resolved = ((site / page).parent / path).resolve()
    return resolved if resolved.is_relative_to(site.resolve()) else None


def problems(site: Path) -> list[str]:
    """Everything wrong with the site, one line each (an empty list: nothing)."""
    found, parsed = [], pages(site)
    for name, page in parsed.items():
        for reference in page.loads:
            parts = urlsplit(reference)
            if parts.scheme in ("http", "https") or reference.startswith("//"):
                found.append(f"{name} loads {reference} from the network")
            elif not reference.startswith("data:"):
                target = _target(site, name, reference)
                if target is None or not target.is_file():
                    found.append(f"{name} loads {reference}, which is not in the site")
        for reference in page.links:
            parts = urlsplit(reference)
            if parts.scheme or reference.startswith(("//", *NOT_FILES)):
                continue
            target = _target(site, name, reference)
            if target is None or not target.is_file():
                found.append(f"{name} links to {reference}, which is not in the site")
            elif parts.fragment and target.suffix == ".html" and page.own:
                ids = parsed[target.relative_to(site.resolve()).as_posix()].ids
                if parts.fragment not in ids:
                    found.append(f"{name} links to {reference}, an anchor that is not there")
        found += [f"{name} has an image without alt text: {i.get('src', '')[:60]}"
                  for i in page.images if not i.get("alt", "").strip()]  # fmt: skip
        if page.own:
            found += heading_problems(name, page) + card_problems(site, name, page)
    return found


def heading_problems(name: str, page: Page) -> list[str]:
    """One <h1> first, and no level skipped on the way down."""
    levels = [level for level, _ in page.headings]
    if not levels or levels[0] != 1 or levels.count(1) != 1:
        return [f"{name} does not start with its one <h1>: {page.headings[:3]}"]
    return [
        f"{name} skips from h{before} to h{after} at {text!r}"
        for (before, _), (after, text) in zip(page.headings, page.headings[1:], strict=False)
        if after > before + 1
    ]


def card_problems(site: Path, name: str, page: Page) -> list[str]:
    """The social card: title, description, and an image that is a file of the site."""
    missing = [key for key in ("og:title", "og:description", "viewport") if not page.meta.get(key)]
    found = [f"{name} has no {key}" for key in missing]
    image = page.meta.get("og:image", "")
    if not image:
        return [*found, f"{name} has no og:image"]
    url = page.meta.get("og:url", "")  # absolute when the site knows its address, else relative
    relative = image.removeprefix(url.rsplit("/", 1)[0] + "/") if url else image
    if urlsplit(relative).scheme or not (site / relative).is_file():
        found.append(f"{name}'s og:image {image} is not a file of the site")
    return found
