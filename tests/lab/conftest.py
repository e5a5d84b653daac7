"""Fixtures for the JupyterLab test: a chapter's copy, a private JupyterLab on 127.0.0.1, Chromium.

``make lab`` opens the chapters in JupyterLab; ``test_lab.py`` does what a reader then does, in
Debian's Chromium (``/usr/bin/chromium`` driven by Playwright, as the browser tests of the site).
The server (``labserver.py``) serves a temporary folder holding a COPY of one chapter, so the
repository's notebooks are never opened, let alone saved, and it is stopped at the end of the
session, with its kernels, whether the test passed, failed or never got the server up.

Environment:

- ``CI=true``: a missing Chromium is a failure, never a skip.
- ``CHROMIUM``: another Chromium executable than ``/usr/bin/chromium``.
- ``LAB_CHAPTER``: the notebook to run (default: the first chapter that states a theorem).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import ROOT, chromium
from labserver import (
    Lab,
    copy_chapter,
    first_chapter_with_theorem,
    start,
    stop,
    wait_until_up,
)

log = logging.getLogger(__name__)


@pytest.fixture(scope="session")
def chapter() -> Path:
    """The notebook under test, in the repository (only read)."""
    chosen = os.environ.get("LAB_CHAPTER")
    return Path(chosen).resolve() if chosen else first_chapter_with_theorem(ROOT / "book")


@pytest.fixture(scope="session")
def chapter_copy(chapter: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The chapter copied to a temporary folder, with the kernel check appended."""
    return copy_chapter(chapter, tmp_path_factory.mktemp("notebooks"))


@pytest.fixture(scope="session")
def lab_starting(chapter_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab serving the chapter's folder, still starting up (it starts while Chromium
    does); stopped, with all it started, at the end of the session."""
    server = start(chapter_copy.parent, tmp_path_factory.mktemp("home"))
    try:
        yield server
    finally:
        began = time.monotonic()
        stop(server.process)
        log.info("JupyterLab stopped in %.1f s", time.monotonic() - began)


@pytest.fixture(scope="session")
def lab(lab_starting: Lab, browser: Any) -> Lab:
    """JupyterLab, up and answering (and Chromium launched meanwhile)."""
    began = time.monotonic()
    wait_until_up(lab_starting)
    log.info("JupyterLab up %.1f s after Chromium", time.monotonic() - began)
    return lab_starting


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium, driven by Playwright (never a downloaded browser)."""
    with chromium() as b:
        yield b
