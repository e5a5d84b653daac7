"""Previews on hover: a reference to a claim, an equation or a citation shows its target in a tip.

sphinx-tippy copies each target's HTML into the page's tips at build time, math already typeset
(book/_ext/mathjax_prerender.py), and the site's own Tippy.js shows them (no CDN). On the first
chapter that has all three kinds of reference, the test hovers one of each as a reader would and
compares the tip with the target itself, read from the built HTML: the claim's title and math,
the equation's math (the same glyphs in the same order), the bibliography entry's text. No request
may leave the site.
"""

from __future__ import annotations

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
    html_of,
    open_page,
    page_tree,
    site_pages,
    text_runs,
    tips_file_of,
    tips_of,
    wait_for_mathjax,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sphinx_claims.reads import view

KINDS = ("claim", "equation", "citation")
#: The links of a chapter's text to a place in a page.
LINKS = "article.bd-article a.reference.internal[href*='#']"

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


def _kind(target: Any) -> str | None:
    classes = target.classes
    if target.tag == "div" and "proof" in classes and "admonition" in classes:
        return "claim"
    if target.tag == "div" and "math" in classes:
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
    for element in html_of(path).xpath("//*[@id]"):
        first.setdefault(element.get("id"), _kind(element))
    return {anchor: kind for anchor, kind in first.items() if kind}


def references(chapter: str) -> dict[str, tuple[str, Any]]:
    """The first link of each kind in the chapter's text: its href, and the element it targets
    (of the tree that ``page_tree`` shares: not to be changed)."""
    page = SITE / chapter
    found: dict[str, tuple[str, Any]] = {}
    for link in page_tree(page).cssselect(LINKS):
        href = link.get("href")
        path, _, anchor = href.partition("#")
        target_file = (page.parent / unquote(path)).resolve() if path else page
        if not target_file.is_file():
            continue
        # Through the view first: a page that holds no such target (the status page, which
        # every badge links to) is not read whole, so its run times are none of these inputs.
        kind = kinds_of(target_file).get(unquote(anchor))
        if kind and kind not in found:
            targets = page_tree(target_file).xpath("//*[@id=$id]", id=unquote(anchor))
            assert targets, href
            found[kind] = (href, targets[0])
    return found


def _chapter_with_every_kind() -> str:
    for chapter in chapter_pages():
        if set(references(chapter)) == set(KINDS):
            return chapter
    return NO_CHAPTER if chapter_pages() else NO_SITE


def _squash(text: str) -> str:
    """Without white space: the built HTML and the browser's innerText space tags differently."""
    return re.sub(r"\s+", "", text)


def _glyphs(target: Any) -> list[str]:
    """The glyphs of each of the target's formulas, in order, as MathJax typeset them (the
    target's own .math too: cssselect looks at the element and its descendants)."""
    return [
        " ".join(" ".join((c.get("class") or "").split()) for c in math.cssselect("mjx-c"))
        for math in target.cssselect(".math")
    ]


def _text_runs(target: Any) -> list[str]:
    """The target's text between its math, without its badge: what a tip shows as text."""
    runs = text_runs(target, ".verification-badge, .headerlink", between=".math")
    return [_squash(run) for run in runs if _squash(run)]


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
    titles = target.cssselect(".admonition-title")
    shown = target if kind == "citation" else titles[0] if titles else None
    if shown is not None and kind != "equation":
        missing = [run for run in _text_runs(shown) if run not in _squash(tip["text"])]
        assert missing == [], f"{href}: the tip lacks {missing} of {shown.text_content()!r}"
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


def test_every_reference_of_every_chapter_has_a_preview(chapter: str, site: Path) -> None:
    # Every link of a chapter's text to a claim, an equation or a work cited, not only the three
    # hovered above, must have a tip: its selector is in the tips that the page loads.
    assert chapter not in (NO_SITE, NO_CHAPTER)
    page, tips = SITE / chapter, tips_of(chapter)
    missing, seen = [], 0
    for link in page_tree(page).cssselect(LINKS):
        href = link.get("href")
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
        (page.parent / unquote(tips_file_of(page))).resolve()
        for page in pages
        if tips_file_of(page)
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
