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
    AXE_RESULT_JS,
    AXE_SHA256,
    AXE_VERSION,
    CLAIMS_JS,
    COLLECT_JS,
    COLOUR_RULES,
    DARK_JS,
    NO_CHAPTER,
    NO_SITE,
    RAW_TEX,
    SCREENSHOTS,
    SITE,
    START_AXE_JS,
    Visit,
    chapter_pages,
    chromium,
    open_page,
    screenshot,
    site_pages,
    unavailable,
    wait_for_mathjax,
)
from sphinx_claims import reads


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Collect one test per page. With no build there is nothing to list: a single stand-in
    # reaches the ``site`` fixture, which fails (CI) or skips with the instruction to build.
    if "page" in metafunc.fixturenames:
        metafunc.parametrize("page", site_pages() or [NO_SITE])
    if "chapter" in metafunc.fixturenames:
        metafunc.parametrize(
            "chapter", chapter_pages() or [NO_CHAPTER if site_pages() else NO_SITE]
        )


@pytest.fixture(scope="session")
def site() -> Path:
    """The root folder of the built website."""
    if not (SITE / "index.html").is_file():
        unavailable(f"no built site at {SITE}: run `make book` first (the browser tests need it)")
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
    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The pinned axe-core, refused if it is not the vendored file."""
    data = AXE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert digest == AXE_SHA256, f"{AXE} has sha256 {digest}, expected axe-core {AXE_VERSION}"
    return data.decode()


def _asked_for(items: list[pytest.Item]) -> dict[str, bool]:
    """The pages that these tests visit, in the site's order, each with whether one of its tests
    reads its axe scans (asks for the ``scanned`` fixture)."""
    asked: dict[str, bool] = {}
    for item in items:
        names = getattr(item, "fixturenames", ())
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "visit" in names:
            for page in (params.get("page"), params.get("chapter")):
                if page is not None:
                    asked[page] = asked.get(page, False) or "scanned" in names
    return {p: asked[p] for p in site_pages() if p in asked}


@pytest.fixture(scope="session")
def visit(browser: Any, base_url: str, axe_source: str, request: pytest.FixtureRequest) -> Any:
    """``visit(page, scans=False) -> Visit``: every page of the site opened once, everything
    recorded; with ``scans``, also a screenshot taken and the page scanned with axe in the light
    theme and again in the dark one.

    The first call visits every page this session's tests ask for (the whole site, unless the
    claims' recorder reused some of them) and scans those whose scans a test reads, two pages at
    a time: axe runs in each page's own renderer process, so two scans use both cores. A page
    whose visit failed raises its error in each of its tests. What a page's visit read (the
    files the server sent) counts for each test of that page, and for no other
    (``sphinx_claims.reads``: recording aside, replay); so does what a scan of its pair read.
    A page visited without scans is visited again if a test asks for them after all."""
    cache: dict[str, Visit | BaseException] = {}
    served: dict[str, set[str]] = {}

    def _open(page_path: str) -> tuple[Visit, Any, Any]:
        v = Visit(page=page_path, url=base_url + page_path)
        context, page = open_page(browser, v.url, base_url, v)
        return v, context, page

    def _record(v: Visit, page: Any) -> None:
        wait_for_mathjax(page)
        v.dom = page.evaluate(COLLECT_JS, list(RAW_TEX))
        v.claims = page.evaluate(CLAIMS_JS)
        v.recording = False

    def _scan(opened: list[tuple[Visit, Any]], rules: list[str] | None) -> list[Any]:
        for _, page in opened:  # start every scan, then wait for each
            page.evaluate(START_AXE_JS, rules)
        return [page.evaluate(AXE_RESULT_JS) for _, page in opened]

    def _visit_pages(pages: list[str], scans: bool) -> None:
        opened: list[tuple[Visit, Any]] = []
        contexts = []
        try:
            for page_path in pages:  # one at a time, so that each page's reads are its own
                with reads.recording(aside=True) as found:
                    try:
                        v, context, page = _open(page_path)
                        contexts.append(context)
                        _record(v, page)
                        opened.append((v, page))
                    except Exception as error:  # the page's tests re-raise it
                        cache[page_path] = error
                served[page_path] = found
            if scans:
                with reads.recording(aside=True) as found:
                    _scan_both(opened)
                for page_path in pages:
                    served[page_path] |= found
            for v, _ in opened:
                cache[v.page] = v
        except Exception as error:  # every page of the group, unless it failed on its own
            for page_path in pages:
                if not isinstance(cache.get(page_path), BaseException):
                    cache[page_path] = error
        finally:
            for context in contexts:
                context.close()

    def _scan_both(opened: list[tuple[Visit, Any]]) -> None:
        # No image of the site loads lazily (test_images_load_and_are_described would find it
        # not loaded), so the full-page shot requests nothing that an unscanned visit misses.
        for v, page in opened:
            v.screenshot = SCREENSHOTS / Path(v.page).with_suffix(".png")
            screenshot(page, v.screenshot)
            page.add_script_tag(content=axe_source)
        for (v, _), result in zip(opened, _scan(opened, None), strict=True):
            v.axe = result
        for _, page in opened:
            page.evaluate(DARK_JS)
        for (v, _), result in zip(opened, _scan(opened, COLOUR_RULES), strict=True):
            v.axe_dark = result
            v.scanned = True

    def _visit(page_path: str, scans: bool = False) -> Visit:
        if not cache:
            asked = _asked_for(request.session.items) or {page_path: scans}
            to_scan = [p for p, s in asked.items() if s]
            for i in range(0, len(to_scan), 2):
                _visit_pages(to_scan[i : i + 2], scans=True)
            for p in [p for p, s in asked.items() if not s]:
                _visit_pages([p], scans=False)
        found = cache.get(page_path)
        if found is None or (scans and isinstance(found, Visit) and not found.scanned):
            _visit_pages([page_path], scans)
        reads.replay(served[page_path])
        found = cache[page_path]
        if isinstance(found, BaseException):
            raise found
        return found

    return _visit
