"""Fixtures for the PDF tests: the built PDF (``make pdf``), its text and its LaTeX log.

Environment: ``BOOK_PDF`` tests another PDF than ``_build/latex/linearnet.pdf`` (its LaTeX log is
the ``.log`` beside it). ``CI=true``: a missing PDF or a missing ``pdftotext`` (Debian's
poppler-utils) is a failure, never a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sphinx_claims import reads

ROOT = Path(__file__).resolve().parents[2]
PDF = Path(os.environ.get("BOOK_PDF", ROOT / "_build" / "latex" / "linearnet.pdf")).resolve()
IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(message: str) -> None:
    """Fail under CI (a check that cannot run is a failed check), skip elsewhere."""
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        _unavailable(f"{tool} not found: install it with `sudo apt-get install poppler-utils`")
    return str(path)


@pytest.fixture(scope="session")
def pdf() -> Path:
    """The book's PDF."""
    if not PDF.is_file():
        _unavailable(f"no PDF at {PDF}: run `make pdf` first")
    # pdftotext, pdfinfo and pdfimages read it, not Python: every test that uses it read it.
    reads.declare(PDF, PDF.with_suffix(".log"))
    return PDF


@pytest.fixture(scope="session")
def text(pdf: Path) -> str:
    """The PDF's text in reading order, one string (pdftotext)."""
    out = subprocess.run([_poppler("pdftotext"), str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


@pytest.fixture(scope="session")
def latex_log(pdf: Path) -> str:
    """The log of the LaTeX run that wrote the PDF."""
    log = pdf.with_suffix(".log")
    if not log.is_file():
        _unavailable(f"no LaTeX log at {log}: rebuild the PDF with `make pdf`")
    return log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="session")
def raster_images(pdf: Path) -> int:
    """How many raster images the PDF holds (pdfimages -list, less its two header lines)."""
    out = subprocess.run(
        [_poppler("pdfimages"), "-list", str(pdf)], capture_output=True, check=True
    )
    return len(out.stdout.decode().splitlines()) - 2


@pytest.fixture(scope="session")
def chapters(pdf: Path) -> dict[int, str]:
    """The text of each numbered chapter, by its number, white space runs as one space.

    LaTeX's hyperref names each chapter's destination ``chapter.<n>`` (``chapter*.<n>`` for an
    unnumbered one); a chapter runs to the page before the next chapter's first page.
    """
    dests = subprocess.run(
        [_poppler("pdfinfo"), "-dests", str(pdf)], capture_output=True, check=True
    )
    starts = sorted(
        (int(m.group(1)), m.group(2))
        for m in re.finditer(r'^\s*(\d+) .*"(chapter\*?\.\d+)"$', dests.stdout.decode(), re.M)
    )
    pages = int(re.search(r"^Pages:\s+(\d+)", _info(pdf), re.M).group(1))  # type: ignore[union-attr]
    text = {}
    for (first, name), (following, _) in zip(starts, [*starts[1:], (pages + 1, "")], strict=True):
        if name.startswith("chapter."):
            cmd = [_poppler("pdftotext"), "-f", str(first), "-l", str(following - 1), str(pdf), "-"]
            out = subprocess.run(cmd, capture_output=True, check=True).stdout.decode("utf-8")
            text[int(name.split(".")[1])] = " ".join(out.split())
    return text


def _info(pdf: Path) -> str:
    return subprocess.run(
        [_poppler("pdfinfo"), str(pdf)], capture_output=True, check=True
    ).stdout.decode()
