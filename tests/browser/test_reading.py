"""Reading a chapter (issue 20, items 2-5): checks one click away, figures, math, code that fits.

Each chapter is opened once at 1280x900 and once at a phone's 390x844, in contexts of its own
(the shared ``visit`` records pages at 1280 only), measured as a reader sees it (:func:`_measure`),
and each concern below is a test on those measurements:

- the prose leads: the code and printouts visible with every check collapsed take at most 20 %
  of the chapter's height; one switch opens every check, and a link to a check opens it;
- every image is a numbered figure with a caption and alt text; in the dark theme it is a white
  card, not dimmed, and it keeps its proportions;
- inline math has the x-height of the text around it (within 10 %); no comma or full stop after a
  formula can start a line; at 390 px no display equation is wider than its box or overdrawn by
  its number;
- no code block or printout scrolls sideways at 1280 px, with every check open; at 390 px nothing
  does (tables become one card per row), on the chapters and on the other pages readers open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from browsing import DARK_JS, wait_for_mathjax
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sphinx_claims import reads

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

#: Share of a chapter's height that visible code and printouts may take, every check collapsed.
CODE_SHARE = 0.20

CODE_SHARE_JS = r"""() => {
  const article = document.querySelector("article.bd-article");
  const parts = "div.cell > div.cell_input, div.cell > details > div.cell_input, "
    + "div.cell > div.cell_output";
  let code = 0;
  for (const part of article.querySelectorAll(parts)) {
    if (part.checkVisibility() && !part.querySelector("img"))
      code += part.getBoundingClientRect().height;
  }
  return code / article.getBoundingClientRect().height;
}"""

FIGURES_JS = r"""() => [...document.querySelectorAll("article.bd-article img")].map(img => {
  const figure = img.closest("figure");
  const caption = figure?.querySelector("figcaption");
  const box = img.getBoundingClientRect(), style = getComputedStyle(img);
  const pad = (a, b) => parseFloat(style[a]) + parseFloat(style[b]);
  const width = box.width - pad("paddingLeft", "paddingRight");
  const height = box.height - pad("paddingTop", "paddingBottom");
  return {src: img.getAttribute("src"), alt: img.alt, id: figure?.id ?? null,
          number: caption?.querySelector(".caption-number")?.textContent ?? null,
          caption: caption?.textContent.trim() ?? "",
          ratio: width / height, natural: img.naturalWidth / img.naturalHeight,
          filter: getComputedStyle(img).filter, background: getComputedStyle(img).backgroundColor};
})"""

MATH_JS = r"""() => {
  const article = document.querySelector("article.bd-article");
  const probe = document.createElement("span");
  probe.style.cssText = "display:inline-block;width:1ex;height:0";
  const paragraph = article.querySelector("p span.math").closest("p");
  paragraph.append(probe);
  const textEx = probe.getBoundingClientRect().width;
  probe.remove();
  // MathJax's TeX fonts have an x-height of 0.442 em
  const container = paragraph.querySelector("mjx-container");
  const mathEx = 0.442 * parseFloat(getComputedStyle(container).fontSize);
  const loose = [];
  for (const math of article.querySelectorAll("span.math")) {
    const next = math.nextSibling;
    if (math.parentElement.classList.contains("math-and-punctuation")) continue;
    if (next && next.nodeType === Node.TEXT_NODE && /^[.,;:]/.test(next.textContent))
      loose.push(math.textContent.slice(0, 40) + next.textContent.slice(0, 3));
  }
  const displays = [...article.querySelectorAll("div.math")].map(d => {
    const m = d.querySelector("mjx-container"), formula = m.querySelector("mjx-math");
    const n = d.querySelector(".eqno");
    const a = n?.getBoundingClientRect(), b = formula.getBoundingClientRect();
    return {tex: (d.querySelector("mjx-assistive-mml") ?? m).textContent.slice(0, 60),
            overflow: m.scrollWidth - m.clientWidth,
            overdrawn: !!a && a.left < b.right && a.right > b.left
              && a.top < b.bottom && a.bottom > b.top};
  });
  return {ratio: mathEx / textEx, loose, displays};
}"""

#: On a phone: every box of the article that scrolls sideways (a table's scroll container, most
#: often), and every piece of code or link that runs past the screen's right edge. Display
#: equations are MATH_JS's; the headings' "#" links show only on hover.
PHONE_SIDEWAYS_JS = r"""() => {
  const article = document.querySelector("article.bd-article"), found = [];
  for (const el of article.querySelectorAll("*")) {
    if (!el.checkVisibility() || el.closest("mjx-container")) continue;
    const s = getComputedStyle(el);
    if (["auto", "scroll"].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1)
      found.push(`${el.scrollWidth - el.clientWidth} px of ${el.textContent.trim().slice(0, 50)}`);
  }
  for (const el of article.querySelectorAll("code, a:not(.headerlink)")) {
    if (el.checkVisibility() && el.getBoundingClientRect().right > innerWidth + 1)
      found.push(`past the edge: ${el.textContent.trim().slice(0, 50)}`);
  }
  return found;
}"""

#: The pages besides the chapters that a reader opens on a phone, several of them tables.
READER_PAGES = [
    "book/intro.html",
    "book/what_this_book_proves.html",
    "book/notation.html",
    "book/errata.html",
    "book/api.html",
    "book/verification_status.html",
    "book/bibliography.html",
    "book/verifying.html",
]

SIDEWAYS_JS = r"""() => [...document.querySelectorAll("article.bd-article pre")]
  .filter(p => p.checkVisibility() && p.scrollWidth > p.clientWidth + 1)
  .map(p => p.textContent.slice(0, 80))"""


SHOW_ALL_JS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


@dataclass
class Reading:
    """What one chapter showed a reader: measured once, asserted on by one test per concern."""

    share: float = 0.0  # code and printouts, every check collapsed
    closed: int = 0  # collapsed checks
    switches: int = 0  # "Show all" buttons
    still_closed: int = -1  # collapsed checks after the switch
    hide_switches: int = 0  # "Hide all checks" buttons after the switch
    opened_share: float = 0.0  # code and printouts after the switch
    sideways: list[str] = field(default_factory=list)  # with every details element open
    link_target: str | None = None  # the anchor of the first collapsed check
    link_opens: bool = False  # going to #anchor opened that check
    math: dict[str, Any] = field(default_factory=dict)  # MATH_JS at 1280 px
    phone_math: dict[str, Any] = field(default_factory=dict)  # MATH_JS at 390 px
    phone_sideways: list[str] = field(default_factory=list)  # PHONE_SIDEWAYS_JS
    figures: list[dict[str, Any]] = field(default_factory=list)  # FIGURES_JS, dark theme


def _measure(browser: Any, url: str) -> Reading:
    """Open the chapter at 1280x900 and at 390x844, each once, and measure it in an order that
    lets each measurement see the page as its test needs it: every check collapsed first (light
    theme), then the figures in the dark theme, then every check opened with the switch, then
    closed again and one opened by a link to it."""
    r = Reading()
    contexts = []
    try:
        for viewport in (WIDE, PHONE):
            context = browser.new_context(viewport=viewport, device_scale_factor=1)
            contexts.append(context)
            page = context.new_page()
            page.goto(url, wait_until="load")
            wait_for_mathjax(page)
            page.wait_for_timeout(100)  # reading.js fits the displays once the fonts are in
            if viewport is PHONE:
                r.phone_math = page.evaluate(MATH_JS)
                r.phone_sideways = page.evaluate(PHONE_SIDEWAYS_JS)
                break
            r.share = page.evaluate(CODE_SHARE_JS)
            r.closed = page.locator("div.cell details.hide:not([open])").count()
            r.math = page.evaluate(MATH_JS)
            page.evaluate(DARK_JS)
            r.figures = page.evaluate(FIGURES_JS)
            switch = page.get_by_role("button", name="Show all")
            r.switches = switch.count()
            if r.switches == 1:
                switch.click()
                r.still_closed = page.locator("div.cell details.hide:not([open])").count()
                hide = page.get_by_role("button", name="Hide all checks")
                r.hide_switches = hide.count()
                r.opened_share = page.evaluate(CODE_SHARE_JS)
                if r.hide_switches == 1:
                    hide.click()
            page.evaluate(SHOW_ALL_JS)
            r.sideways = page.evaluate(SIDEWAYS_JS)
            page.evaluate(
                "() => document.querySelectorAll('details').forEach(d => { d.open = false; })"
            )
            cell = page.locator("div.cell[id]:has(details.hide)").first  # a check: it has an anchor
            r.link_target = cell.get_attribute("id") if cell.count() else None
            if r.link_target:
                page.goto(url + "#" + r.link_target)
                opened = "id => document.getElementById(id).querySelector('details.hide').open"
                try:  # reading.js opens it on hashchange; a few seconds, for a busy machine
                    page.wait_for_function(opened, arg=r.link_target, timeout=5_000)
                    r.link_opens = True
                except PlaywrightTimeout:
                    r.link_opens = False
    finally:
        for context in contexts:
            context.close()
    return r


@pytest.fixture(scope="module")
def reading(browser: Any, base_url: str) -> Any:
    """``reading(chapter) -> Reading``: each chapter measured once for all the tests below (a
    failed measurement raises its error in each of the chapter's tests)."""
    cache: dict[str, Reading | BaseException] = {}
    served: dict[str, set[str]] = {}  # what measuring it read: counted for each of its tests

    def _reading(chapter: str) -> Reading:
        if chapter not in cache:
            with reads.recording() as served[chapter]:
                try:
                    cache[chapter] = _measure(browser, base_url + chapter)
                except Exception as error:
                    cache[chapter] = error
        reads.replay(served[chapter])
        found = cache[chapter]
        if isinstance(found, BaseException):
            raise found
        return found

    return _reading


def test_the_prose_leads_and_the_checks_are_one_click_away(chapter: str, reading: Any) -> None:
    r = reading(chapter)
    assert r.share <= CODE_SHARE, f"{chapter}: code and printouts take {r.share:.0%} of the page"
    assert r.closed > 0, f"{chapter}: no check is collapsed"
    assert r.switches == 1, f"{chapter} has no switch that shows its checks"
    assert r.still_closed == 0, f"{chapter}: the switch left {r.still_closed} checks collapsed"
    assert r.hide_switches == 1, f"{chapter}: the switch does not offer to hide the checks again"
    assert r.opened_share > r.share, "opening the checks showed no code"


def test_a_link_to_a_check_opens_it(chapter: str, reading: Any) -> None:
    r = reading(chapter)
    assert r.link_target, f"{chapter}: a collapsed check has no anchor to link to"
    assert r.link_opens, f"{chapter}: #{r.link_target} does not open its check"


def test_every_image_is_a_numbered_figure_with_caption_and_alt(chapter: str, reading: Any) -> None:
    for f in reading(chapter).figures:
        where = f"{chapter}: {f['src']}"
        assert f["id"], f"{where} is not in a figure"
        assert f["number"], f"{where} is not a numbered figure"
        assert len(f["caption"]) > 40, f"{where} has no caption"
        assert len(f["alt"]) > 40, f"{where} has no alt text"
        assert abs(f["ratio"] / f["natural"] - 1) < 0.02, f"{where} is drawn out of proportion"
        # dark theme: a white card, not the theme's dimmed grey
        assert f["filter"] == "none", f"{where} is dimmed ({f['filter']}) in the dark theme"
        assert f["background"] == "rgb(255, 255, 255)", f"{where} on {f['background']}"


def test_the_math_has_the_texts_size_and_fits_a_phone(chapter: str, reading: Any) -> None:
    r = reading(chapter)
    wide, phone = r.math, r.phone_math
    assert abs(wide["ratio"] - 1) <= 0.10, f"{chapter}: math x-height {wide['ratio']:.2f} of text"
    assert wide["loose"] == [], f"{chapter}: punctuation that can start a line: {wide['loose']}"
    wide_ones = [d["tex"] for d in phone["displays"] if d["overflow"] > 1]
    overdrawn = [d["tex"] for d in phone["displays"] if d["overdrawn"]]
    assert wide_ones == [], f"{chapter} at 390 px: displays wider than their box: {wide_ones}"
    assert overdrawn == [], f"{chapter} at 390 px: numbers drawn over: {overdrawn}"


def test_no_code_scrolls_sideways(chapter: str, reading: Any) -> None:
    sideways = reading(chapter).sideways
    assert sideways == [], f"{chapter}: code that scrolls sideways: {sideways}"


def test_nothing_scrolls_sideways_on_a_phone(chapter: str, reading: Any) -> None:
    sideways = reading(chapter).phone_sideways
    assert sideways == [], f"{chapter} at 390 px: {sideways}"


@pytest.mark.parametrize("reader_page", READER_PAGES)
def test_nothing_scrolls_sideways_on_a_phone_on_the_other_pages(
    reader_page: str, browser: Any, base_url: str
) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(base_url + reader_page, wait_until="load")
        wait_for_mathjax(page)
        sideways = page.evaluate(PHONE_SIDEWAYS_JS)
    finally:
        context.close()
    assert sideways == [], f"{reader_page} at 390 px: {sideways}"
