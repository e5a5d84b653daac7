"""Fixtures for the browser tests: the built site served on 127.0.0.1, Chromium, one visit per page.

The tests look at the book the way a reader does: Debian's Chromium (``/usr/bin/chromium``, driven
by Playwright through ``executable_path``; no browser is ever downloaded) opens every page of the
built site (``_build/html``, made by ``make book``), served on a random free port of 127.0.0.1 by
an ``http.server`` running in a thread of the test session.

Each page is visited once (:func:`visit`, cached for the session); the tests in ``test_site.py``
then assert on what that visit recorded, one concern per test.

Environment:

- ``CI=true``: a missing browser or a missing build is a failure, never a skip.
- ``BOOK_SITE``: test another build than ``_build/html`` (screenshots go to its sibling
  ``screenshots/`` folder).
- ``BOOK_TOC``: the table of contents that build was made from (default ``_toc.yml``).
- ``CHROMIUM``: another Chromium executable than ``/usr/bin/chromium``.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import (
    AXE,
    AXE_JS,
    AXE_SHA256,
    AXE_VERSION,
    CHROMIUM,
    COLLECT_JS,
    COLOUR_RULES,
    DARK_JS,
    IN_CI,
    LAUNCH_ARGS,
    NO_CHAPTER,
    NO_SITE,
    RAW_TEX,
    SCREENSHOTS,
    SITE,
    Visit,
    chapter_pages,
    open_page,
    site_pages,
    wait_for_mathjax,
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Collect one test per page. With no build there is nothing to list: a single stand-in
    # reaches the ``site`` fixture, which fails (CI) or skips with the instruction to build.
    if "page" in metafunc.fixturenames:
        metafunc.parametrize("page", site_pages() or [NO_SITE])
    if "chapter" in metafunc.fixturenames:
        metafunc.parametrize(
            "chapter", chapter_pages() or [NO_CHAPTER if site_pages() else NO_SITE]
        )


def _unavailable(message: str) -> None:
    """Fail under CI (a check that cannot run is a failed check), skip elsewhere."""
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def site() -> Path:
    """The root folder of the built website."""
    if not (SITE / "index.html").is_file():
        _unavailable(f"no built site at {SITE}: run `make book` first (the browser tests need it)")
    return SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The site served on http://127.0.0.1:<random free port>/ for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium, driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.is_file():
        _unavailable(
            f"Chromium not found at {CHROMIUM}: install it with `sudo apt-get install chromium` "
            "(Debian/Ubuntu), or set CHROMIUM to its path"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The pinned axe-core, refused if it is not the vendored file."""
    data = AXE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert digest == AXE_SHA256, f"{AXE} has sha256 {digest}, expected axe-core {AXE_VERSION}"
    return data.decode()


@pytest.fixture(scope="session")
def visit(browser: Any, base_url: str, axe_source: str) -> Any:
    """``visit(page) -> Visit``: open a page of the site once, record everything, screenshot it;
    then scan it with axe in the light theme and again in the dark one."""
    cache: dict[str, Visit] = {}

    def _visit(page_path: str) -> Visit:
        if page_path in cache:
            return cache[page_path]
        url = base_url + page_path
        v = Visit(page=page_path, url=url)
        context, page = open_page(browser, url, base_url, v)
        try:
            wait_for_mathjax(page)
            v.dom = page.evaluate(COLLECT_JS, list(RAW_TEX))
            shot = SCREENSHOTS / Path(page_path).with_suffix(".png")
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            v.screenshot = shot
            v.recording = False
            page.add_script_tag(content=axe_source)
            v.axe = page.evaluate(AXE_JS, None)
            page.evaluate(DARK_JS)
            v.axe_dark = page.evaluate(AXE_JS, COLOUR_RULES)
        finally:
            context.close()
        cache[page_path] = v
        return v

    return _visit
