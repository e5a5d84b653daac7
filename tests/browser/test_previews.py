"""Previews on hover: a reference to a claim, an equation or a citation shows its target in a tip.

sphinx-tippy copies each target's HTML into the page's tips at build time, math already typeset
(book/_ext/mathjax_prerender.py), and the site's own Tippy.js shows them (no CDN). On the first
chapter that has all three kinds of reference, the test hovers one of each as a reader would and
compares the tip with the target itself, read from the built HTML: the claim's title and math,
the equation's math (the same glyphs in the same order), the bibliography entry's text. No request
may leave the site.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from browsing import (
    NO_CHAPTER,
    NO_SITE,
    SITE,
    Visit,
    chapter_pages,
    open_page,
    site_pages,
    wait_for_mathjax,
)
from bs4 import BeautifulSoup, Tag
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sphinx_claims.reads import cache, view

KINDS = ("claim", "equation", "citation")

# What a shown tip holds: its text, and the glyphs of each typeset formula in it, in order.
TIP_JS = """
el => {
  const tip = el._tippy.popper;
  const glyphs = [...tip.querySelectorAll(".math")].map(m => [...m.querySelectorAll("mjx-c")]
    .map(c => c.getAttribute("class")).join(" "));
  return {text: tip.innerText, glyphs: glyphs,
          untypeset: [...tip.querySelectorAll(".math")].filter(
            m => !m.querySelector("mjx-container")).length,
          merrors: tip.querySelectorAll("mjx-merror").length};
}
"""


@cache
def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _kind(target: Tag) -> str | None:
    classes = target.get("class") or []
    if target.name == "div" and "proof" in classes and "admonition" in classes:
        return "claim"
    if target.name == "div" and "math" in classes:
        return "equation"
    if "citation" in classes:
        return "citation"
    return None


@view
def kinds_of(path: Path) -> dict[str, str]:
    """Anchor -> the kind of what it marks (claim, equation, citation), for each anchor of the
    built file ``path`` that marks one: a view (``sphinx_claims.reads``), so a chapter's test that
    reads the status page only for its claims' anchors does not run again when its run times
    change."""
    first: dict[str, str | None] = {}
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for element in soup.find_all(id=True):
        first.setdefault(str(element["id"]), _kind(element))
    return {anchor: kind for anchor, kind in first.items() if kind}


def references(chapter: str) -> dict[str, tuple[str, Tag]]:
    """The first link of each kind in the chapter's text: its href, and the element it targets."""
    page = SITE / chapter
    found: dict[str, tuple[str, Tag]] = {}
    for link in _soup(page).select("article.bd-article a.reference.internal[href*='#']"):
        href = str(link["href"])
        path, _, anchor = href.partition("#")
        target_file = (page.parent / unquote(path)).resolve() if path else page
        if not target_file.is_file():
            continue
        # Through the view first: a page that holds no such target (the status page, which
        # every badge links to) is not read whole, so its run times are none of these inputs.
        kind = kinds_of(target_file).get(unquote(anchor))
        if kind and kind not in found:
            target = _soup(target_file).find(id=unquote(anchor))
            assert isinstance(target, Tag), href
            found[kind] = (href, target)
    return found


def _chapter_with_every_kind() -> str:
    for chapter in chapter_pages():
        if set(references(chapter)) == set(KINDS):
            return chapter
    return NO_CHAPTER if chapter_pages() else NO_SITE


def _squash(text: str) -> str:
    """Without white space: the built HTML and the browser's innerText space tags differently."""
    return re.sub(r"\s+", "", text)


def _glyphs(target: Tag) -> list[str]:
    """The glyphs of each of the target's formulas, in order, as MathJax typeset them."""
    copy = BeautifulSoup(str(target), "html.parser")  # a document: the target's own .math too
    return [
        " ".join(" ".join(c.get("class") or []) for c in math.select("mjx-c"))
        for math in copy.select(".math")
    ]


def _text_runs(target: Tag) -> list[str]:
    """The target's text between its math, without its badge: what a tip shows as text."""
    copy = BeautifulSoup(str(target), "html.parser")
    for node in copy.select(".verification-badge, .headerlink"):
        node.decompose()
    for node in copy.select(".math"):
        node.replace_with("\0")
    return [_squash(run) for run in copy.get_text().split("\0") if _squash(run)]


@pytest.fixture(scope="module")
def preview_page(site: Path) -> str:
    chapter = _chapter_with_every_kind()
    assert chapter not in (NO_SITE, NO_CHAPTER), "no chapter refers to a claim, equation and work"
    return chapter


@pytest.fixture(scope="module")
def hovered(preview_page: str, browser: Any, base_url: str) -> tuple[Visit, dict[str, Any]]:
    """Open the chapter, hover one reference of each kind, and record each tip and the traffic."""
    url = base_url + preview_page
    visit = Visit(page=preview_page, url=url)
    context, page = open_page(browser, url, base_url, visit)
    tips: dict[str, dict[str, Any]] = {}
    try:
        wait_for_mathjax(page)
        page.wait_for_load_state("load")  # previews.js listens from the load event on
        visit.tips_before_hover = _tips_requested(visit)
        for kind, (href, _) in references(preview_page).items():
            link = page.locator(f'article.bd-article a[href="{href}"]').first
            handle = _hover(page, link)
            tips[kind] = handle.evaluate(TIP_JS)
            page.mouse.move(0, 0)
            page.wait_for_function("el => !el._tippy.state.isShown", arg=handle)
    finally:
        context.close()
    return visit, tips


def _tips_requested(visit: Visit) -> list[str]:
    """The page's tips files (sphinx-tippy's, under _static/tippy/) that it requested so far."""
    return [u for u in visit.requests if "/_static/tippy/" in u]


def _hover(page: Any, link: Any) -> Any:
    """Hover the link until its tip shows (a late layout shift can move it from under the mouse)."""
    handle = link.element_handle()
    for _ in range(3):
        link.scroll_into_view_if_needed()
        link.hover()
        try:
            page.wait_for_function("el => el._tippy?.state.isShown", arg=handle, timeout=2_000)
            return handle
        except PlaywrightTimeout:
            page.mouse.move(0, 0)
    raise AssertionError(f"no tip shows on {link}: has it a tip (el._tippy)?")


@pytest.mark.parametrize("kind", KINDS)
def test_tip_shows_the_target(kind: str, preview_page: str, hovered: Any) -> None:
    _, tips = hovered
    href, target = references(preview_page)[kind]
    tip = tips[kind]
    # Its text, run by run between its math: a bibliography entry's, or a claim's title.
    shown = target if kind == "citation" else target.select_one(".admonition-title")
    if shown is not None and kind != "equation":
        missing = [run for run in _text_runs(shown) if run not in _squash(tip["text"])]
        assert missing == [], f"{href}: the tip lacks {missing} of {shown.get_text()!r}"
    if kind in ("claim", "equation"):
        # The target's math, typeset in the tip as on the target (at build time).
        assert tip["glyphs"], f"{href}: the tip shows no math"
        assert tip["untypeset"] == 0, f"{href}: the tip's math is TeX"
        assert tip["glyphs"] == _glyphs(target), f"{href}: other math in the tip"
    assert tip["merrors"] == 0


def test_no_request_leaves_the_site(hovered: Any) -> None:
    visit, tips = hovered
    assert set(tips) == set(KINDS)
    assert visit.blocked == [], f"requests to other hosts: {visit.blocked}"
    assert visit.failed == [], f"requests that failed: {visit.failed}"
    assert visit.bad_status == [], f"requests that failed on the site: {visit.bad_status}"
    assert visit.console_errors == [], visit.console_errors


def test_tips_load_the_sites_own_tippy(hovered: Any, base_url: str) -> None:
    visit, _ = hovered
    scripts = [u for u in visit.requests if re.search(r"tippy|popper", urlsplit(u).path)]
    own = [u for u in scripts if u.startswith(urljoin(base_url, "_static/"))]
    assert scripts, "the page loads no Tippy.js"
    assert own == scripts, f"Tippy.js from {scripts}"


def _tips_of(chapter: str) -> dict[str, str]:
    """The page's tips as sphinx-tippy wrote them: link selector -> the tip's HTML."""
    page = SITE / chapter
    # book/_ext/static/previews.js loads them when first wanted, from its data-tips.
    script = _soup(page).find("script", attrs={"data-tips": re.compile(r"_static/tippy/.*\.js")})
    assert script is not None, f"{chapter} loads no tips"
    source = (page.parent / unquote(str(script["data-tips"]))).read_text(encoding="utf-8")
    start = source.index("selector_to_html = ") + len("selector_to_html = ")
    tips, _ = json.JSONDecoder().raw_decode(source[start:])
    return dict(tips)


def test_every_reference_of_every_chapter_has_a_preview(chapter: str, site: Path) -> None:
    # Every link of a chapter's text to a claim, an equation or a work cited, not only the three
    # hovered above, must have a tip: its selector is in the tips that the page loads.
    assert chapter not in (NO_SITE, NO_CHAPTER)
    page, tips = SITE / chapter, _tips_of(chapter)
    missing, seen = [], 0
    for link in _soup(page).select("article.bd-article a.reference.internal[href*='#']"):
        href = str(link["href"])
        path, _, anchor = href.partition("#")
        target_file = (page.parent / unquote(path)).resolve() if path else page
        if target_file.is_file() and unquote(anchor) in kinds_of(target_file):
            seen += 1
            if f'a[href="{href}"]' not in tips:
                missing.append(href)
    assert seen > 0, f"{chapter} refers to no claim, equation or work"
    assert missing == [], f"references with no preview on {chapter}: {sorted(set(missing))}"


def test_every_tips_file_is_one_a_page_loads(site: Path) -> None:
    # sphinx-tippy names a page's tips file anew on every build and leaves the old one of a page
    # in book/ behind; book/_ext/previews.py deletes those, and keeps the files of the pages an
    # incremental build did not write.
    pages = [site / p for p in site_pages()]
    loaded = {
        (page.parent / unquote(str(script["data-tips"]))).resolve()
        for page in pages
        for script in _soup(page).find_all("script", attrs={"data-tips": True})
    }
    files = {f.resolve() for f in (site / "_static" / "tippy").rglob("*.js")}
    assert loaded <= files, f"tips that no file holds: {sorted(map(str, loaded - files))}"
    assert files - loaded == set(), f"tips files no page loads: {sorted(map(str, files - loaded))}"


def test_tips_load_when_first_wanted(hovered: Any) -> None:
    # A long chapter's tips are about 0.5 MB: previews.js loads them on the first hover, not
    # with the page (the page loaded and the network went quiet before the first hover).
    visit, _ = hovered
    assert visit.tips_before_hover == [], f"loaded with the page: {visit.tips_before_hover}"
    assert _tips_requested(visit), "no tips loaded on hover"


def test_a_reference_reached_by_keyboard_shows_its_tip(
    preview_page: str, browser: Any, base_url: str
) -> None:
    # The first reference a reader tabs to loads the tips, and shows its own.
    href, _ = references(preview_page)["claim"]
    visit = Visit(page=preview_page, url=base_url + preview_page)
    context, page = open_page(browser, visit.url, base_url, visit)
    try:
        page.wait_for_load_state("load")
        link = page.locator(f'article.bd-article a[href="{href}"]').first
        link.focus()
        page.wait_for_function("el => el._tippy?.state.isShown", arg=link.element_handle())
    finally:
        context.close()
