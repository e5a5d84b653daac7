"""One citation style (book/_ext/citations.py): each citation in the text, the bibliography's label
of the work it cites, and that label in the citation's preview on hover all say the same author
and year ("[Baldi and Hornik, 1989]"); the bibliography used to number its entries ("[3]").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from browsing import (
    SCREENS,
    SITE,
    THEMES,
    Visit,
    chapter_pages,
    html_of,
    open_page,
    page_tree,
    tips_of,
    wait_for_mathjax,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sphinx_claims.reads import view

BIBLIOGRAPHY = "book/bibliography.html"


def _labels() -> dict[str, str]:
    """The bibliography's label of each work, by its anchor: "Baldi and Hornik, 1989"."""
    labels = {}
    for entry in page_tree(SITE / BIBLIOGRAPHY).cssselect("div.citation[id]"):
        label = entry.cssselect(".label")
        assert label, f"the entry #{entry.get('id')} has no label"
        text = label[0].text_content().strip()
        labels[entry.get("id")] = text.removeprefix("[").removesuffix("]")
    return labels


@view
def citations_of(path: Path) -> list[tuple[str, str]]:
    """Every citation in the text of the chapter page ``path``: the anchor it cites, and its text
    (a view, ``sphinx_claims.reads``: an edit elsewhere in the chapter is none of its inputs)."""
    links = html_of(path).cssselect("article.bd-article a[href^='bibliography.html#']")
    return [(a.get("href").partition("#")[2], " ".join(a.text_content().split())) for a in links]


def _citations() -> list[tuple[str, str, str]]:
    """Every citation in the chapters' text: its page, the anchor it cites, and its text."""
    return [(page, *cited) for page in chapter_pages() for cited in citations_of(SITE / page)]


def _fragment(html: str) -> Any:
    """A tip's HTML, parsed inside a <div> of its own (no tip: an empty one)."""
    return lxml.html.fragment_fromstring(html, create_parent="div")


def test_the_bibliography_labels_each_work_as_the_text_cites_it(site: Path) -> None:
    labels, citations = _labels(), _citations()
    assert citations, "the chapters cite no work"
    numbered = sorted(label for label in labels.values() if label.isdigit())
    assert numbered == [], f"the bibliography numbers its entries: {numbered}"
    wrong = []
    for page, anchor, text in citations:
        label = labels.get(anchor, "")
        # "[Baldi and Hornik, 1989]" cites by the label; "Efron et al. [2004]" by its year.
        if text != label and not label.endswith(f", {text}"):
            wrong.append(f"{page}: [{text}] cites the entry labelled [{label}]")
        tip = tips_of(page).get(f'a[href="bibliography.html#{anchor}"]', "")
        shown = [s.text_content().strip() for s in _fragment(tip).cssselect(".label")]
        if shown[:1] != [f"[{label}]"]:
            wrong.append(f"{page}: the preview of [{text}] is labelled {shown[:1]}")
    assert wrong == [], "\n".join(sorted(set(wrong)))


@pytest.mark.parametrize("theme", THEMES)
def test_a_citations_preview_shows_the_label_of_the_text(
    site: Path, browser: Any, base_url: str, theme: str
) -> None:
    # On a phone, the way a reader sees it: the tip of the first citation in parentheses
    # ("[Baldi and Hornik, 1989]") in the chapters.
    parenthetical = re.compile(r"^\D+, (\d{4}|n\.d\.)$")
    page_path, anchor, text = next(
        ((p, a, t) for p, a, t in _citations() if parenthetical.match(t)), ("", "", "")
    )
    assert page_path, "no chapter cites a work in parentheses, by author and year"
    visit = Visit(page=page_path, url=base_url + page_path)
    context, page = open_page(
        browser, visit.url, base_url, visit, viewport=SCREENS["phone"], theme=theme
    )
    try:
        wait_for_mathjax(page)
        page.wait_for_load_state("load")
        link = page.locator(f'article.bd-article a[href="bibliography.html#{anchor}"]').first
        handle = link.element_handle()
        shown = False
        for _ in range(3):  # a late layout shift can move the link from under the pointer
            link.scroll_into_view_if_needed()
            link.hover()
            try:
                page.wait_for_function("el => el._tippy?.state.isShown", arg=handle, timeout=2000)
                shown = True
                break
            except PlaywrightTimeout:
                page.mouse.move(0, 0)
        assert shown, f"no preview shows on [{text}]"
        label = handle.evaluate("el => el._tippy.popper.querySelector('.label')?.innerText")
    finally:
        context.close()
    assert label == f"[{text}]", f"the preview of [{text}] is labelled {label!r}"
