"""Reading a chapter (issue 20, items 2-5): checks one click away, figures, math, code that fits.

Each chapter is opened at 1280x900 and at a phone's 390x844, in its own context (the shared
``visit`` records pages at 1280 only), and measured as a reader sees it:

- the prose leads: the code and printouts visible with every check collapsed take at most 20 %
  of the chapter's height; one switch opens every check, and a link to a check opens it;
- every image is a numbered figure with a caption and alt text; in the dark theme it is a white
  card, not dimmed, and it keeps its proportions;
- inline math has the x-height of the text around it (within 10 %); no comma or full stop after a
  formula can start a line; at 390 px no display equation is wider than its box or overdrawn by
  its number;
- no code block or printout scrolls sideways at 1280 px, with every check open.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browsing import DARK_JS, wait_for_mathjax

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

SIDEWAYS_JS = r"""() => [...document.querySelectorAll("article.bd-article pre")]
  .filter(p => p.checkVisibility() && p.scrollWidth > p.clientWidth + 1)
  .map(p => p.textContent.slice(0, 80))"""


@pytest.fixture(scope="module")
def opener(browser: Any, base_url: str) -> Iterator[Any]:
    """``opener(chapter, viewport, theme) -> page``, in a fresh context; closed at the end."""
    contexts = []

    def _open(chapter: str, viewport: dict[str, int], theme: str = "light") -> Any:
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        contexts.append(context)
        page = context.new_page()
        page.goto(base_url + chapter, wait_until="load")
        if theme == "dark":
            page.evaluate(DARK_JS)
        wait_for_mathjax(page)
        page.wait_for_timeout(100)  # reading.js fits the displays once the fonts are in
        return page

    yield _open
    for context in contexts:
        context.close()


def test_the_prose_leads_and_the_checks_are_one_click_away(chapter: str, opener: Any) -> None:
    page = opener(chapter, WIDE)
    share = page.evaluate(CODE_SHARE_JS)
    assert share <= CODE_SHARE, f"{chapter}: code and printouts take {share:.0%} of the page"
    closed = page.locator("div.cell details.hide:not([open])")
    assert closed.count() > 0, f"{chapter}: no check is collapsed"
    switch = page.get_by_role("button", name="Show all")
    assert switch.count() == 1, f"{chapter} has no switch that shows its checks"
    switch.click()
    assert page.locator("div.cell details.hide:not([open])").count() == 0
    assert page.get_by_role("button", name="Hide all checks").count() == 1
    opened = page.evaluate(CODE_SHARE_JS)
    assert opened > share, "opening the checks showed no code"


def test_a_link_to_a_check_opens_it(chapter: str, opener: Any) -> None:
    page = opener(chapter, WIDE)
    cell = page.locator("div.cell[id]:has(details.hide)").first  # a check: it has an anchor
    target = cell.get_attribute("id")
    assert target, f"{chapter}: a collapsed check has no anchor to link to"
    page.goto(page.url.split("#")[0] + "#" + target)
    page.wait_for_timeout(100)
    assert cell.locator("details.hide").get_attribute("open") is not None


def test_every_image_is_a_numbered_figure_with_caption_and_alt(chapter: str, opener: Any) -> None:
    page = opener(chapter, WIDE, "dark")
    figures = page.evaluate(FIGURES_JS)
    for f in figures:
        where = f"{chapter}: {f['src']}"
        assert f["id"], f"{where} is not in a figure"
        assert f["number"], f"{where} is not a numbered figure"
        assert len(f["caption"]) > 40, f"{where} has no caption"
        assert len(f["alt"]) > 40, f"{where} has no alt text"
        assert abs(f["ratio"] / f["natural"] - 1) < 0.02, f"{where} is drawn out of proportion"
        # dark theme: a white card, not the theme's dimmed grey
        assert f["filter"] == "none", f"{where} is dimmed ({f['filter']}) in the dark theme"
        assert f["background"] == "rgb(255, 255, 255)", f"{where} on {f['background']}"


def test_the_math_has_the_texts_size_and_fits_a_phone(chapter: str, opener: Any) -> None:
    wide = opener(chapter, WIDE).evaluate(MATH_JS)
    assert abs(wide["ratio"] - 1) <= 0.10, f"{chapter}: math x-height {wide['ratio']:.2f} of text"
    assert wide["loose"] == [], f"{chapter}: punctuation that can start a line: {wide['loose']}"
    phone = opener(chapter, PHONE).evaluate(MATH_JS)
    wide_ones = [d["tex"] for d in phone["displays"] if d["overflow"] > 1]
    overdrawn = [d["tex"] for d in phone["displays"] if d["overdrawn"]]
    assert wide_ones == [], f"{chapter} at 390 px: displays wider than their box: {wide_ones}"
    assert overdrawn == [], f"{chapter} at 390 px: numbers drawn over: {overdrawn}"


def test_no_code_scrolls_sideways(chapter: str, opener: Any) -> None:
    page = opener(chapter, WIDE)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert page.evaluate(SIDEWAYS_JS) == [], f"{chapter}: code that scrolls sideways"
