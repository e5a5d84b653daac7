"""The book's PDF, offered for download on every page of the site (book/_ext/pdf_edition.py).

``make test`` builds the PDF before the site, which then offers it in each page's download menu,
beside the page's source (``.ipynb`` for a chapter). A site built without a PDF (``make book``
alone) offers no link at all: these tests then fail under CI and are skipped elsewhere.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import pytest
from browsing import CHAPTER, IN_CI

#: The file the site serves (pdf_edition_file's name, copied to the site's root).
PDF = "linearnet.pdf"
#: The classes sphinx-book-theme gives the download menu's entries (their "label").
PDF_ENTRY = "btn-download-book-pdf-button"
SOURCE_ENTRY = "btn-download-source-button"


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
        assert response.read(5) == b"%PDF-"


def test_every_page_offers_the_pdf(page: str, visit: Any, pdf_url: str) -> None:
    # Every page with a download menu (each page built from a source) has the PDF in it.
    links = visit(page).dom["links"]
    sources = [link for link in links if SOURCE_ENTRY in link["classes"].split()]
    offered = [link["href"] for link in links if PDF_ENTRY in link["classes"].split()]
    if CHAPTER.match(page):
        assert sources, f"{page} has no download menu with its notebook"
    assert offered == [pdf_url] * len(sources), f"{page} offers {offered} beside {len(sources)}"
