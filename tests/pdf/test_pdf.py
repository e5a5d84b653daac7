"""The book's PDF (``make pdf``), read back as text: what the sources say must be in it is.

Expected content comes from the sources (``book_sources.py``), never from the build: every page's
title, every labelled claim with the site's number, every figure and its caption, each claim's
status in words. And what must not be in it: an unresolved reference ("??"), TeX a reader would
see raw, a glyph the fonts lack.
"""

from __future__ import annotations

import re
from pathlib import Path

import book_sources as src
import pytest
from sphinx_claims.record import ClaimClass, Status

#: Text that would show TeX or MyST the build left unprocessed. A marker may occur only as often
#: as the sources show it as code (the book documents some of them: ``{prf:ref}``, ``\end{split}``).
RAW_MARKUP = ("??", "$", "\\begin", "\\end{", "\\frac", "\\(", "\\[", "\\label", "\\ref{")
RAW_MARKUP += ("{prf:", "{eq}", "{cite", "{numref}", "{doc}", ":label:", ":::")

#: A badge as the PDF prints it, class first: ``[proof: verified]``, ``[numerical check: verified,
#: but depends on Lemma 3.1, which failed]`` (sphinx_claims/render.py).
STATUSES = "|".join(re.escape(s.words) for s in Status if s is not Status.DEPENDS)
CLASSES = "|".join(re.escape(c.noun) for c in ClaimClass)
BADGE = re.compile(rf"\[(?:{CLASSES}): (?P<status>{STATUSES}|verified, but depends on [^\]]+)\]")


@pytest.fixture(scope="module")
def squashed(text: str) -> str:
    return src.squash(text)


@pytest.fixture(scope="module")
def flat(text: str) -> str:
    """The text with every run of white space one space (lines and pages joined)."""
    return " ".join(text.split())


def test_metadata(pdf: Path) -> None:
    assert pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("page", src.pages(), ids=lambda p: p.docname)
def test_every_page_title(page: src.Page, squashed: str) -> None:
    # Each page of _toc.yml is a chapter, and so in the contents and as a heading.
    assert squashed.count(src.squash(page.title)) >= 2, f"{page.title!r} is not in the PDF"


@pytest.mark.parametrize("claim", src.claims(), ids=lambda c: c.label)
def test_every_claim(claim: src.Claim, chapters: dict[int, str], flat: str) -> None:
    # In its chapter: its number as the site gives it, its title, and its status right after its
    # number (an equation's) or its title (a box's). And its label, which the claims' tables list.
    assert claim.label in flat, f"{claim.label} is not in the PDF"
    chapter = chapters.get(int(claim.number.split(".")[0]), "")
    if claim.kind == "equation":
        # Room for a page break between the display and its badge: page number, running head.
        heading, room = f"({claim.number})", 100
    else:
        # Room for the title, and for a page break between the title and the badge: the next
        # page's running heads (section title, page number, book title) come in between.
        heading, room = f"{claim.kind.title()} {claim.number}", len(claim.title) + 160
        missing = [f for f in src.fragments(claim.title) if f not in src.squash(chapter)]
        assert missing == [], f"{heading}: title {claim.title!r} is not in its chapter"
    assert heading in chapter, f"{heading} ({claim.label}) is not in its chapter"
    badge = re.compile(re.escape(heading) + f".{{0,{room}}}?" + BADGE.pattern)
    assert badge.search(chapter), f"{heading} ({claim.label}) shows no status in its chapter"


def test_every_badge_reads_as_a_status(flat: str) -> None:
    shown = re.findall(rf"\[(?:{CLASSES}):[^\[\]]*\]", flat)
    unreadable = [b for b in shown if not BADGE.fullmatch(b)]
    assert unreadable == [], f"badges that do not read as a status and a class: {unreadable[:5]}"
    assert len(shown) >= len(src.claims())


def test_every_figure(raster_images: int, squashed: str) -> None:
    figures = src.figures()
    assert raster_images >= len(figures), f"{raster_images} images for {len(figures)} figures"
    for figure in figures:
        missing = [f for f in src.fragments(figure.caption) if f not in squashed]
        assert missing == [], f"a caption of {figure.page} is not in the PDF: {figure.caption!r}"


def test_every_cited_work(chapters: dict[int, str], squashed: str) -> None:
    # The bibliography lists each work the pages cite, by its title.
    titles = src.cited_titles()
    missing = [key for key, title in titles.items() if src.squash(title) not in squashed]
    assert titles, "the pages cite no work"
    assert missing == [], f"works cited but not in the bibliography: {missing}"


@pytest.mark.parametrize("marker", RAW_MARKUP)
def test_no_raw_markup(marker: str, text: str) -> None:
    allowed = src.code_text().count(marker)
    seen = text.count(marker)
    where = [text[max(0, i - 60) : i + 40] for i in _find_all(text, marker)][:5]
    assert seen <= allowed, f"{marker!r} {seen} times, {allowed} of them code: {where}"


def test_latex_resolved_everything(latex_log: str) -> None:
    undefined = re.findall(r"(?:Reference|Citation|Hyper reference) `[^']*' on page \d+", latex_log)
    assert undefined == [], f"unresolved references: {undefined[:10]}"
    assert "There were undefined references" not in latex_log
    assert "Label(s) may have changed" not in latex_log, "the last LaTeX run was not the final one"


def test_every_glyph_in_a_font(latex_log: str) -> None:
    missing = sorted(set(re.findall(r"Missing character: There is no (.+?) in font", latex_log)))
    assert missing == [], f"characters the fonts lack, printed as nothing: {missing}"


def _find_all(text: str, marker: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(marker), text)]
