"""The download menu of every page, and the book's PDF in it (book/_ext/pdf_edition.py).

``make test`` (and so ``make site``) builds the PDF before the site, which then offers it in each
page's download menu as "Whole book (PDF)", beside the page's source, "This chapter (.ipynb)". A
site built without a PDF (``make book`` alone) offers no PDF at all: the tests that need one then
fail under CI and are skipped elsewhere. No page ever offers the theme's ".pdf", which printed the
page the reader was on.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import pytest
from browsing import CHAPTER, IN_CI, NO_SITE, Visit, chapter_pages, open_page

#: The file the site serves (pdf_edition_file's name, copied to the site's root).
PDF = "linearnet.pdf"
#: The classes sphinx-book-theme gives the download menu's entries (their "label").
PDF_ENTRY = "btn-download-book-pdf-button"
SOURCE_ENTRY = "btn-download-source-button"
PRINT_ENTRY = "btn-download-pdf-button"

#: Open the page's download menu as a reader does, and read the entries it shows.
MENU_JS = r"""
async () => {
  document.querySelector(".dropdown-download-buttons .dropdown-toggle").click();
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return [...document.querySelectorAll(".dropdown-download-buttons .dropdown-item")]
    .filter(e => e.checkVisibility())
    .map(e => ({text: e.innerText.trim(), href: e.href || null,
                onclick: e.getAttribute("onclick")}));
}
"""


@pytest.fixture(scope="session")
def pdf_url(site: Path, base_url: str) -> str:
    """Where the site serves the PDF."""
    if not (site / PDF).is_file():
        message = f"the site offers no PDF (no {site / PDF}): run `make pdf`, then `make book`"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return base_url + PDF


def test_the_pdf_is_served(pdf_url: str) -> None:
    with urllib.request.urlopen(pdf_url, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read().startswith(b"%PDF-")  # read whole: no broken pipe


def test_every_page_offers_the_pdf(page: str, visit: Any, pdf_url: str) -> None:
    # Every page with a download menu (each page built from a source) has the PDF in it.
    links = visit(page).dom["links"]
    sources = [link for link in links if SOURCE_ENTRY in link["classes"].split()]
    offered = [link for link in links if PDF_ENTRY in link["classes"].split()]
    if CHAPTER.match(page):
        assert sources, f"{page} has no download menu with its notebook"
    assert [link["href"] for link in offered] == [pdf_url] * len(sources), f"{page}: {offered}"
    assert {link["text"] for link in offered} <= {"Whole book (PDF)"}


def test_no_page_offers_to_print_itself_as_the_pdf(page: str, site: Path) -> None:
    # The theme's ".pdf" entry ran window.print(): the page, not the book.
    assert page != NO_SITE
    html = (site / page).read_text(encoding="utf-8")
    assert PRINT_ENTRY not in html, f"{page} offers the theme's print-this-page '.pdf'"
    assert "window.print()" not in html, f"{page} prints itself"


def test_a_chapter_menu_offers_the_chapter_and_the_whole_book(
    site: Path, browser: Any, base_url: str
) -> None:
    chapters = chapter_pages()
    assert chapters, "the site has no chapter page"
    v = Visit(page=chapters[0], url=base_url + chapters[0])
    context, page = open_page(browser, v.url, base_url, v)
    try:
        entries = page.evaluate(MENU_JS)
    finally:
        context.close()
    texts = [e["text"] for e in entries]
    has_pdf = (site / PDF).is_file()
    # Without a PDF in the site (make book alone), no link to a missing file.
    assert texts == ["This chapter (.ipynb)"] + ["Whole book (PDF)"] * has_pdf, entries
    assert all(e["onclick"] is None for e in entries), entries
    if has_pdf:
        with urllib.request.urlopen(entries[-1]["href"], timeout=10) as response:
            assert response.headers["Content-Type"] == "application/pdf"
            assert response.read().startswith(b"%PDF-")  # read whole: no broken pipe
