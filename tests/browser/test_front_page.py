"""The front page says what the book proves, and every page says what it is to a browser.

The front page (``book/intro.md``): the result as typeset mathematics with its hypothesis and its
links to the claims, chapter 1's network figure (the very PNG the chapter stored, with its alt
text), the note attributed as the source gives it, prerequisites and reading time. Every page: a
description and Open Graph tags (``og:url`` and ``og:image`` only when the site was built with
its published address, and then pointing into the site), a favicon the site serves (without one
the browser asks for /favicon.ico: a 404), and the book's title once in the tab.
"""

from __future__ import annotations

import base64
import re
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from browsing import NO_SITE, ROOT, Visit, open_page, wait_for_mathjax

FRONT = "book/intro.html"
BOOK_TITLE = "A two-layer linear network is least squares"
#: Chapter 1's network figure: the front page shows the PNG this cell stored.
NOTEBOOK, FIGURE = ROOT / "book" / "01_model_outline.ipynb", "fig-network"

#: What a reader finds on the front page: the result's displays (as MathJax's assistive MathML
#: reads them), the claims it links to, the images and the page's text.
FRONT_JS = r"""
() => {
  const mml = e => e.querySelector("mjx-assistive-mml").textContent.replace(/\s+/g, "");
  const quote = document.querySelector("article blockquote");
  return {
    title: document.title,
    displays: [...document.querySelectorAll("article div.math")].map(mml),
    quoted: quote ? [...quote.querySelectorAll("mjx-container")].map(mml) : [],
    quoteText: quote ? quote.innerText : "",
    links: [...document.querySelectorAll("article a[href]")].map(a => a.getAttribute("href")),
    images: [...document.querySelectorAll("article img")].map(img => ({
      src: img.currentSrc, alt: img.getAttribute("alt") || "", width: img.naturalWidth,
      caption: (img.closest("figure")?.querySelector("figcaption")?.innerText || "").trim()})),
    text: document.querySelector("article").innerText.replace(/\s+/g, " "),
  };
}
"""


class _Head(HTMLParser):
    """The ``<title>``, ``<meta>`` and ``<link>`` elements of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.title: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and "content" in a:
            key = a.get("property") or a.get("name")
            if key:
                self.meta.setdefault(key, []).append(a["content"])
        elif tag == "link":
            self.links.append(a)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)


def head(site: Path, page: str) -> _Head:
    parser = _Head()
    parser.feed((site / page).read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def front(site: Path, browser: Any, base_url: str) -> dict[str, Any]:
    """The front page as a reader's browser shows it."""
    assert (site / FRONT).is_file(), f"no front page {FRONT} in the site"
    v = Visit(page=FRONT, url=base_url + FRONT)
    context, page = open_page(browser, v.url, base_url, v)
    try:
        wait_for_mathjax(page)
        return dict(page.evaluate(FRONT_JS))
    finally:
        context.close()


def test_the_front_page_states_the_result_in_typeset_mathematics(front: dict[str, Any]) -> None:
    # The collapse and what the network predicts, then Theorem 3.1 as chapter 3 states it: its
    # hypothesis v_{1:} != 0 and the normal equations, quoted, with links to the claims.
    assert "w=uv1:+v0e0,zpred=Xw," in front["displays"]
    assert "XTXw=XTz," in front["quoted"]
    assert "v1:=(v1,…,vh)≠0" in front["quoted"], "the theorem's hypothesis is not stated"
    assert "stationary point" in front["quoteText"]
    for claim in ("thm-equivalence", "lem-collapse", "def-collapsed", "prop-critical-v0"):
        assert any(link.endswith(f".html#{claim}") for link in front["links"]), claim


def test_the_front_page_shows_the_network_of_chapter_1(
    front: dict[str, Any], base_url: str
) -> None:
    import nbformat  # here, not at the top: 2 s to import, spent only when the test runs (reuse)

    cell = next(
        c
        for c in nbformat.read(NOTEBOOK, as_version=4).cells
        if c.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("name") == FIGURE
    )
    (png,) = [o["data"]["image/png"] for o in cell.outputs if "image/png" in o.get("data", {})]
    shown = [img for img in front["images"] if img["src"].endswith(f"/{FIGURE}.png")]
    assert len(shown) == 1, f"the front page shows no {FIGURE}.png: {front['images']}"
    (img,) = shown
    assert img["width"] > 0, "the figure did not load"
    assert img["alt"] == cell.metadata["mystnb"]["image"]["alt"]
    assert img["caption"].startswith("The note’s network (Fig. 1.1)"), img["caption"]
    with urllib.request.urlopen(img["src"], timeout=10) as response:
        assert response.read() == base64.b64decode(png), "not the PNG chapter 1 stored"


def test_the_front_page_attributes_the_note_and_says_what_reading_it_takes(
    front: dict[str, Any],
) -> None:
    text = front["text"]
    # The source has no title, author or date: the page says so, and names nothing it lacks.
    assert "The source is a short note with no title, no author and no date." in text
    assert "Before you read." in text
    assert re.search(r"Reading time: about \d+ minutes for the note’s three chapters, about", text)


def test_one_title_in_the_tab(front: dict[str, Any], site: Path) -> None:
    assert front["title"] == BOOK_TITLE
    chapter = "".join(head(site, "book/01_model_outline.html").title).strip()
    assert chapter == f"1. Model outline — {BOOK_TITLE}"


def test_every_page_describes_itself(page: str, site: Path) -> None:
    # <meta name="description"> and Open Graph's title, type, site name and description, each
    # once; og:url and og:image (absolute URLs) only with the published address, which the
    # canonical link gives (html_baseurl, set with it). Pages of the book, that is built from a
    # source: the search page and the generated indexes have nothing to describe.
    assert page != NO_SITE
    if not page.startswith("book/"):
        pytest.skip(f"{page} is generated, not a page of the book")
    h = head(site, page)
    once = {key: h.meta.get(key, []) for key in ("description", "og:title", "og:type")}
    once |= {key: h.meta.get(key, []) for key in ("og:site_name", "og:description")}
    assert all(len(v) == 1 and v[0].strip() for v in once.values()), f"{page}: {once}"
    assert once["og:site_name"] == [BOOK_TITLE]
    canonical = [link["href"] for link in h.links if link.get("rel") == "canonical"]
    if not canonical:
        for key in ("og:url", "og:image", "og:image:alt"):
            assert key not in h.meta, f"{page}: {key} without a published address"
        return
    (url,) = h.meta["og:url"]
    assert url == canonical[0], f"{page}: og:url {url}, canonical {canonical[0]}"
    (image,) = h.meta["og:image"]
    root = url[: len(url) - len(page)]
    assert image.startswith(root), f"{page}: og:image {image} is not in the site {root}"
    assert (site / image[len(root) :]).is_file(), f"{page}: og:image {image} is not served"


def test_the_front_page_description_is_its_own(site: Path) -> None:
    h = head(site, FRONT)
    (description,) = h.meta["description"]
    assert description.startswith("An executable paper: every stationary point")
    assert h.meta["og:description"] == [description]


def test_every_page_names_a_favicon_that_the_site_serves(
    page: str, site: Path, base_url: str
) -> None:
    # A page that names no icon makes the browser ask the server for /favicon.ico: a 404 on every
    # page. Headless Chromium does not always ask, so the test checks what the page names.
    assert page != NO_SITE
    icons = [link["href"] for link in head(site, page).links if link.get("rel") == "icon"]
    assert len(icons) == 1, f"{page} names {len(icons)} favicons"
    icon = urljoin(base_url + page, icons[0])
    with urllib.request.urlopen(icon, timeout=10) as response:
        assert response.headers["Content-Type"] == "image/svg+xml", icon
        assert b"<svg" in response.read(), icon
