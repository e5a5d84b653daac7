"""The built website, checked in Chromium the way a reader sees it (see conftest.py for set-up).

One test per concern and per page, so a failure names both. Every page visit is recorded once
and shared by the tests (``visit`` fixture); the screenshots land in ``_build/screenshots/``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from browsing import (
    AXE_JS,
    AXE_VERSION,
    CONSOLE_ALLOWLIST,
    DARK_JS,
    MATHJAX_STYLESHEET,
    MATHJAX_VERSION,
    NO_CHAPTER,
    NO_SITE,
    SITE,
    TOC,
    VIEWPORT,
    Visit,
    _is_local,
    chapter_pages,
    links_of,
    open_page,
    resolve_internal,
    site_pages,
    wait_for_mathjax,
)

#: Equation references render as the number in parentheses, e.g. "(2.3)" (the verification
#: status table writes "Eq. (2.3)").
EQ_NUMBER = re.compile(r"^(Eq\. )?\(\d+(\.\d+)*\)$")
#: A numbered sphinx-proof box title starts "Theorem 3.1", "Definition 1.2", ...
PROOF_NUMBER = re.compile(r"^\w+ \d+(\.\d+)*$")


@pytest.fixture
def seen(page: str, site: Path, visit: Any) -> Visit:
    """The recorded visit of ``page`` (opened once per session)."""
    assert page != NO_SITE
    return visit(page)


@pytest.fixture
def scanned(page: str, site: Path, visit: Any) -> Visit:
    """The recorded visit of ``page`` with its screenshot and axe scans, light and dark."""
    assert page != NO_SITE
    return visit(page, scans=True)


def _toc_files(node: Any) -> list[str]:
    """Every ``file:`` entry of a _toc.yml tree."""
    if isinstance(node, dict):
        own = [node["file"]] if "file" in node else []
        return own + [f for v in node.values() for f in _toc_files(v)]
    if isinstance(node, list):
        return [f for v in node for f in _toc_files(v)]
    return []


def test_every_toc_page_is_built(site: Path) -> None:
    toc = yaml.safe_load(TOC.read_text(encoding="utf-8"))
    expected = {f"{f}.html" for f in [toc["root"], *_toc_files(toc.get("parts", []))]}
    missing = sorted(expected - set(site_pages()))
    assert not missing, f"pages in _toc.yml missing from the build: {missing}"


#: Pages Sphinx generates itself, in no toc: the indices (a domain index is "<domain>-<name>").
GENERATED = re.compile(r"^(genindex|search|py-modindex|[a-z]+-[a-z]+)\.html$")


def test_no_stray_pages(site: Path) -> None:
    # A page in the build but in no toc is left over from an earlier build or built by mistake
    # (e.g. a tool's cache README); a reader can still land on it from search or a stale link.
    toc = yaml.safe_load(TOC.read_text(encoding="utf-8"))
    expected = {f"{f}.html" for f in [toc["root"], *_toc_files(toc.get("parts", []))]}
    stray = [p for p in site_pages() if p not in expected and not GENERATED.match(p)]
    assert stray == [], f"pages in no toc: {stray}; rebuild clean: rm -rf {site} && make book"


def test_index_redirects(site: Path, browser: Any, base_url: str) -> None:
    v = Visit(page="index.html", url=base_url)
    context, page = open_page(browser, base_url, base_url, v)
    try:
        page.wait_for_url("**/book/intro.html", timeout=10_000)
    finally:
        context.close()
    assert v.blocked == []
    assert v.bad_status == []


def test_mathjax_typesets(seen: Visit) -> None:
    # The site's math is typeset when it is built, by the pinned MathJax (mathjax_prerender):
    # the page runs no MathJax, links the glyphs' stylesheet of that version from the site
    # itself, and every math element holds typeset math, not TeX.
    dom = seen.dom
    assert dom["mathScripts"] == [], f"the page loads MathJax: {dom['mathScripts']}"
    assert not dom["mathjaxInPage"]
    if dom["mathElements"]:
        sheets = dom["mathStylesheets"]
        assert [urlsplit(s["href"]).path.endswith("/" + MATHJAX_STYLESHEET) for s in sheets] == [
            True
        ], f"glyphs' stylesheets {sheets}"
        assert sheets[0]["version"] == MATHJAX_VERSION, sheets
        assert sheets[0]["loaded"], sheets
        assert dom["containers"] > 0, "the page has math but none of it is typeset"
        assert dom["untypeset"] == [], f"math left as TeX: {dom['untypeset']}"
    assert dom["merrors"] == [], f"MathJax errors (red boxes): {dom['merrors']}"
    assert dom["rawTex"] == [], f"raw TeX visible to the reader: {dom['rawTex']}"


def test_chapters_contain_typeset_math(chapter: str, site: Path, visit: Any) -> None:
    assert chapter != NO_SITE
    assert chapter != NO_CHAPTER, "the build has no chapter page (book/NN_name.html)"
    assert visit(chapter).dom["containers"] > 0, "a chapter without typeset mathematics"


def test_images_load_and_are_described(seen: Visit) -> None:
    broken = [i["src"] for i in seen.dom["images"] if not i["complete"] or i["naturalWidth"] == 0]
    assert broken == [], f"images that did not load: {broken}"
    mute = [i["src"] for i in seen.dom["images"] if not i["alt"] and not i["caption"]]
    assert mute == [], f"images with neither alt text nor a caption: {mute}"
    mute_figs = [f["id"] for f in seen.dom["figures"] if f["imagesWithoutAlt"] and not f["caption"]]
    assert mute_figs == [], f"figures with neither alt text nor a caption: {mute_figs}"


def test_proof_boxes_show_numbers(seen: Visit) -> None:
    # Every theorem, lemma, definition, proposition, remark ... box is numbered; a proof is not.
    unnumbered = [
        f"{b['kind']} #{b['id']}: {b['title']!r}"
        for b in seen.dom["proofs"]
        if b["kind"] != "proof" and not PROOF_NUMBER.match(b["number"])
    ]
    assert unnumbered == [], f"boxes without their number: {unnumbered}"


def test_the_page_shows_the_links_it_was_written_with(seen: Visit, site: Path) -> None:
    # test_internal_links_resolve reads a page's links from its file, without a browser, so that
    # a change to a page they lead to (the status page changes with every run) does not open
    # this one again. This test holds the file to what the reader's browser shows: no script
    # adds, drops or rewrites a link.
    shown = Counter(link["raw"] for link in seen.dom["links"])
    written = Counter(links_of(site / seen.page))
    assert shown == written, (
        f"links shown but not written: {sorted((shown - written).elements())[:5]}; "
        f"written but not shown: {sorted((written - shown).elements())[:5]}"
    )


def test_internal_links_resolve(page: str, site: Path, base_url: str) -> None:
    assert page != NO_SITE
    broken = []
    for raw in links_of(site / page):
        href = urljoin(base_url + page, raw)  # as the browser resolves it (no page has <base>)
        if urlsplit(href).scheme in ("http", "https") and _is_local(href, base_url):
            problem = resolve_internal(href, base_url, site)
            if problem:
                broken.append(problem)
        elif urlsplit(href).scheme not in ("http", "https", "mailto"):
            broken.append(f"unexpected link {raw}")
    assert broken == [], "links that lead nowhere:\n" + "\n".join(broken)


def test_equation_references_show_numbers(seen: Visit) -> None:
    eqrefs = [
        link
        for link in seen.dom["links"]
        if "#equation-" in link["raw"] and "headerlink" not in link["classes"]
    ]
    bad = [f"{e['raw']}: {e['text']!r}" for e in eqrefs if not EQ_NUMBER.match(e["text"])]
    assert bad == [], f"equation references without a number: {bad}"


def test_no_requests_to_other_hosts(seen: Visit) -> None:
    assert seen.blocked == [], f"requests to hosts other than the site: {seen.blocked}"
    assert seen.bad_status == [], f"requests that failed on the site: {seen.bad_status}"
    assert seen.failed == [], f"requests that failed: {seen.failed}"


def test_no_console_errors(seen: Visit) -> None:
    errors = [
        e for e in seen.console_errors if not any(re.search(p, e) for p, _ in CONSOLE_ALLOWLIST)
    ]
    assert errors == [], "console errors:\n" + "\n".join(errors)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_accessibility(scanned: Visit, theme: str) -> None:
    axe = scanned.axe if theme == "light" else scanned.axe_dark
    assert axe["version"] == AXE_VERSION
    bad = [
        f"[{v['impact']}] {v['id']}: {v['help']}\n    "
        + "\n    ".join(f"{n['target']}: {n['summary']}" for n in v["nodes"][:5])
        for v in axe["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    where = f"axe-core, {theme} theme, at {VIEWPORT['width']}x{VIEWPORT['height']}"
    assert bad == [], f"{where}:\n" + "\n".join(bad)


def test_hidden_cells_and_bibliography_entries_are_written_accessible(site: Path) -> None:
    # book/_ext/site_fixes.py writes these through its own HTML visitors, in place of MyST-NB's
    # and docutils' (which axe faulted, see its docstring); the written pages must show it.
    pages = {p: (site / p).read_text(encoding="utf-8") for p in site_pages()}
    toggles = [p for p, html in pages.items() if "<summary>" in html]
    assert toggles, "no page has a hidden cell's toggle: has MyST-NB changed how it writes one?"
    labelled = [p for p, html in pages.items() if 'aria-label="Toggle hidden content"' in html]
    assert labelled == [], f"toggles named apart from their text on {labelled}"
    deprecated = [p for p, html in pages.items() if 'role="doc-biblioentry"' in html]
    assert deprecated == [], f"bibliography entries that are no list items on {deprecated}"
    bibliography = pages["book/bibliography.html"]
    assert re.search(r'<div class="citation" id="[^"]+" role="listitem">', bibliography)


def test_screenshot_saved(scanned: Visit) -> None:
    assert scanned.screenshot is not None
    assert scanned.screenshot.stat().st_size > 0


def test_chapter_typesets_from_disk(chapter: str, site: Path, browser: Any) -> None:
    # The site opened straight from disk, with no server and no network, still shows its math.
    assert chapter != NO_SITE
    assert chapter != NO_CHAPTER, "the build has no chapter page (book/NN_name.html)"
    url = (site / chapter).as_uri()
    v = Visit(page=chapter, url=url)
    context, page = open_page(browser, url, site.as_uri() + "/", v)
    try:
        wait_for_mathjax(page)
        counts = page.evaluate(
            """() => ({containers: document.querySelectorAll("mjx-container").length,
                       merrors: document.querySelectorAll("mjx-merror").length,
                       fonts: [...document.fonts].filter(f => /MJXTEX/.test(f.family))
                                .map(f => f.status)})"""
        )
    finally:
        context.close()
    assert counts["containers"] > 0
    assert counts["merrors"] == 0
    assert "loaded" in counts["fonts"], f"MathJax's fonts did not load from disk: {counts}"
    assert "error" not in counts["fonts"], f"a MathJax font failed to load: {counts}"
    assert v.blocked == []
    assert v.failed == []


def _longest_chapter() -> str:
    """The chapter page with the most HTML (the most code and math): chapter 5 today."""
    return max(chapter_pages(), key=lambda p: (SITE / p).stat().st_size)


def test_search_finds_a_chapter_and_a_chapter_loads_no_unused_assets(
    site: Path, browser: Any, base_url: str, visit: Any
) -> None:
    # _templates/layout.html keeps the search index off every page but the search page (the
    # theme's search-as-you-type is off), site_fixes.py sphinx-design's files off pages without
    # its components; search itself must still work.
    chapter = _longest_chapter()
    unused = [u for u in visit(chapter).requests if re.search(r"searchindex|sphinx-design", u)]
    assert unused == [], f"{chapter} loads the search index or sphinx-design, which it does not use"
    v = Visit(page="search.html", url=base_url + "search.html?q=conservation")
    context, page = open_page(browser, v.url, base_url, v)
    try:
        found = page.locator(f'#search-results a[href*="{chapter.removeprefix("book/")}"]')
        found.first.wait_for(timeout=10_000)
    finally:
        context.close()
    assert v.console_errors == []


def test_the_scan_of_highlighted_code_catches_one_token_style_in_low_contrast(
    site: Path, browser: Any, base_url: str, axe_source: str
) -> None:
    # The scans check one token of each look in the code (AXE_JS): a single token class given a
    # colour too faint to read must still be reported, in the light theme and in the dark one.
    chapter = _longest_chapter()
    v = Visit(page=chapter, url=base_url + chapter)
    context, page = open_page(browser, v.url, base_url, v)
    try:
        page.add_style_tag(content=".highlight .mi { color: #c8c8c8 !important; }")
        page.add_script_tag(content=axe_source)
        found = []
        for dark in (False, True):
            if dark:
                page.evaluate(DARK_JS)
                page.add_style_tag(content=".highlight .mi { color: #404040 !important; }")
            result = page.evaluate(AXE_JS, ["color-contrast"])
            targets = [n["target"] for x in result["violations"] for n in x["nodes"]]
            is_mi = "ts => ts.filter(t => document.querySelector(t)?.classList.contains('mi'))"
            found.append(page.evaluate(is_mi, targets))
    finally:
        context.close()
    assert all(len(targets) >= 1 for targets in found), found
