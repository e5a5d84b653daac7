"""Readers' pages and maintainers' pages apart; the verification pages fit a reader's screen.

- The claims' dependency graph fits its column at 390, 800 and 1280 px (at its natural size it
  is twice a laptop's column), keeps its proportions, and a link opens it at full size, where it
  zooms (sphinx_claims/render.py: html_graph; verification.css). The tables of claims
  fit too, and on a phone each claim's row is a block, so no cell is too narrow for its words.
- *What this book proves* opens with its main results in words, linked to the claims; its table
  of every claim comes after, off the first screen.
- The maintainers' page (how the book verifies itself: commands, CI, stored outputs) is in a
  part of its own, after the readers' back matter; no page links to this machine (127.0.0.1,
  localhost), which a reader's browser would take for the reader's own.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from browsing import SCREENS, SITE, THEMES, TOC, Visit, open_page, page_tree, site_pages
from sphinx_claims.reads import cache

STATUS_PAGE = "book/verification_status.html"
PROVES_PAGE = "book/what_this_book_proves.html"
MAINTAINERS_PAGES = ["book/verifying"]
#: Links that lead to the reader's own machine, not the site.
THIS_MACHINE = re.compile(
    r"""(href|src|data|action)\s*=\s*["'](https?:)?//(127\.\d+\.\d+\.\d+|localhost|0\.0\.0\.0|\[::1\])""",
    re.IGNORECASE,
)
#: Words of prose before the first table of What this book proves, at least.
PROSE_WORDS = 300
#: Claims the prose links to, at least.
PROSE_CLAIMS = 10

# The graph as it is laid out: the <object>'s box, its column's, the page's width, the SVG's own
# size, and the link to it at full size.
GRAPH_JS = """
async () => {
  const figure = document.querySelector("figure.verification-graph");
  const object = figure.querySelector("object");
  if (!object.contentDocument) await new Promise(done => object.addEventListener("load", done));
  const svg = object.contentDocument.documentElement;
  const box = object.getBoundingClientRect();
  const zoom = figure.querySelector("p.verification-graph-zoom a");
  return {width: box.width, height: box.height,
          column: document.querySelector("article.bd-article").getBoundingClientRect().width,
          pageWidth: document.documentElement.scrollWidth, window: window.innerWidth,
          svgWidth: svg.width.baseVal.value, svgHeight: svg.height.baseVal.value,
          data: object.data, zoom: zoom ? zoom.href : null,
          zoomShown: zoom ? zoom.checkVisibility() : false};
}
"""


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_dependency_graph_fits_its_column_and_opens_at_full_size(
    site: Path, browser: Any, base_url: str, screen: str
) -> None:
    graph = _laid_out(browser, base_url, STATUS_PAGE, screen)["graph"]
    assert graph["width"] <= graph["column"] + 0.5, (
        f"the graph is {graph['width']:.0f} px wide in a {graph['column']:.0f} px column"
    )
    assert graph["pageWidth"] <= graph["window"], (
        f"the page is {graph['pageWidth']} px wide in a {graph['window']} px window"
    )
    shape, drawn = graph["svgWidth"] / graph["svgHeight"], graph["width"] / graph["height"]
    assert abs(drawn / shape - 1) < 0.02, f"the graph is drawn {drawn:.2f}:1, not {shape:.2f}:1"
    assert graph["zoomShown"], "no link opens the graph at full size"
    assert graph["zoom"] == graph["data"], f"the link opens {graph['zoom']}, not {graph['data']}"
    with urllib.request.urlopen(graph["zoom"], timeout=10) as response:
        kind, svg = response.headers["Content-Type"], response.read()
    assert kind == "image/svg+xml", f"the link opens {kind}, not the SVG"
    assert b"http://www.w3.org/2000/svg" in svg, "the link opens no SVG"


#: The narrowest a table's cell may be: narrower, its words break in the middle ("Definitio" /
#: "n 6.1", seen at 390 px when the status table kept its four columns).
CELL_PX = 110

# Each table's width, its column's, and its narrowest cell with text.
TABLES_JS = """
() => [...document.querySelectorAll("article table")].map(t => ({
  width: t.getBoundingClientRect().width,
  column: document.querySelector("article.bd-article").getBoundingClientRect().width,
  narrowest: Math.min(...[...t.querySelectorAll("td")].filter(td => td.innerText.trim())
    .map(td => td.getBoundingClientRect().width)),
}))
"""


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("page_path", [STATUS_PAGE, PROVES_PAGE])
def test_the_verification_tables_fit_their_column(
    site: Path, browser: Any, base_url: str, page_path: str, screen: str
) -> None:
    tables = _laid_out(browser, base_url, page_path, screen)["tables"]
    assert tables, f"{page_path} has no table"
    for table in tables:
        assert table["width"] <= table["column"] + 0.5, (
            f"a table is {table['width']:.0f} px wide in a {table['column']:.0f} px column"
        )
        assert table["narrowest"] >= CELL_PX, (
            f"a table cell is {table['narrowest']:.0f} px wide: its words break"
        )


@cache
def _laid_out(browser: Any, base_url: str, page_path: str, screen: str) -> dict[str, Any]:
    """The page as laid out on that screen, opened once for the tests above: its tables
    (TABLES_JS) and, on the status page, its graph (GRAPH_JS)."""
    visit = Visit(page=page_path, url=base_url + page_path)
    context, page = open_page(browser, visit.url, base_url, visit, viewport=SCREENS[screen])
    try:
        tables = page.evaluate(TABLES_JS)
        return {
            "tables": tables,
            "graph": page.evaluate(GRAPH_JS) if page_path == STATUS_PAGE else None,
        }
    finally:
        context.close()


# Before the first table: the page's text, its links to claims (boxes), and where it starts.
PROSE_JS = """
() => {
  const article = document.querySelector("article.bd-article");
  const table = article.querySelector("table");
  const before = node => !table || (node.compareDocumentPosition(table)
    & Node.DOCUMENT_POSITION_FOLLOWING);
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const words = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (before(n) && !n.parentElement.closest("h1, .headerlink")) words.push(n.data);
  }
  const claims = [...article.querySelectorAll("a.reference.internal[href*='#']")]
    .filter(a => before(a) && /#(thm|lem|prop|cor|def|rem|obs)-/.test(a.getAttribute("href")));
  const h1 = article.querySelector("h1");
  let first = h1.nextElementSibling;
  return {words: words.join(" ").split(/\\s+/).filter(w => /\\w/.test(w)).length,
          claims: claims.length, first: first ? first.tagName : null,
          tableTop: table ? table.getBoundingClientRect().top + window.scrollY : null,
          window: window.innerHeight};
}
"""


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", ["phone", "laptop"])
def test_what_this_book_proves_opens_with_its_results_in_words(
    site: Path, browser: Any, base_url: str, screen: str, theme: str
) -> None:
    visit = Visit(page=PROVES_PAGE, url=base_url + PROVES_PAGE)
    context, page = open_page(
        browser, visit.url, base_url, visit, viewport=SCREENS[screen], theme=theme
    )
    try:
        prose = page.evaluate(PROSE_JS)
    finally:
        context.close()
    assert prose["first"] == "P", f"the title is followed by a {prose['first']}, not a paragraph"
    assert prose["words"] >= PROSE_WORDS, (
        f"{prose['words']} words before the first table, expected at least {PROSE_WORDS}"
    )
    assert prose["claims"] >= PROSE_CLAIMS, (
        f"the prose links to {prose['claims']} claims, expected at least {PROSE_CLAIMS}"
    )
    assert prose["tableTop"] is not None, "the page lists no claim in a table"
    assert prose["tableTop"] >= prose["window"], "a table is on the first screen"


def _parts() -> list[tuple[str, list[str]]]:
    """The parts of _toc.yml: each caption and its pages."""
    toc = yaml.safe_load(TOC.read_text(encoding="utf-8"))
    return [
        (part.get("caption", ""), [c["file"] for c in part.get("chapters", [])])
        for part in toc["parts"]
    ]


def test_the_maintainers_pages_are_apart_from_the_readers(site: Path) -> None:
    parts = _parts()
    caption, last = parts[-1]
    assert "maintainer" in caption.lower(), f"the last part is {caption!r}, not the maintainers'"
    assert sorted(last) == sorted(MAINTAINERS_PAGES), f"the maintainers' part holds {last}"
    readers = [page for _, pages in parts[:-1] for page in pages]
    assert not set(readers) & set(MAINTAINERS_PAGES), "a maintainers' page is among the readers'"
    # The site's sidebar shows the same: the maintainers' part last.
    sidebar = page_tree(SITE / "book/intro.html")
    captions = [c.text_content().strip() for c in sidebar.cssselect("nav.bd-docs-nav p.caption")]
    assert captions[-1] == caption, f"the sidebar ends with {captions[-1]!r}"


def test_no_page_links_to_this_machine(site: Path) -> None:
    files = [SITE / p for p in site_pages()] + sorted(SITE.glob("_images/*.svg"))
    found = [
        f"{path.relative_to(SITE)}: {match.group(0)}"
        for path in files
        for match in THIS_MACHINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "links to the reader's own machine:\n" + "\n".join(found)
