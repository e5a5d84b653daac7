"""What the browser tests share: where the site and browser are, and how a page is opened and read.

Constants, the :class:`Visit` record, the JavaScript that reads a rendered page, and the link
resolver. The pytest fixtures that use them are in ``conftest.py``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from sphinx_claims import reads

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("BOOK_SITE", ROOT / "_build" / "html")).resolve()
SCREENSHOTS = SITE.parent / "screenshots"
TOC = Path(os.environ.get("BOOK_TOC", ROOT / "_toc.yml")).resolve()
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() == "true"
#: Set by make test, which builds the site from its own test run just before the browser tests.
AFTER_TEST_RUN = os.environ.get("LINEARNET_AFTER_TEST_RUN") == "1"
VIEWPORT = {"width": 1280, "height": 900}
LAUNCH_ARGS = [
    # Pages scanned side by side (conftest.visit) run at full speed, none throttled as hidden.
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: The MathJax that typesets the site's math when it is built (book/_ext/mathjax_prerender.py,
#: the pinned copy of tools/vendor_mathjax.sh): each page links its glyphs' stylesheet, marked
#: with its version, and loads no MathJax script.
MATHJAX_VERSION = "3.2.2"
MATHJAX_STYLESHEET = "_static/mathjax/chtml.css"

#: The accessibility engine injected into each page (tests/browser/vendor/README.md).
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.10.3"
AXE_SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb"

#: Built files that are not pages a reader navigates to. ``index.html`` is only a redirect to the
#: root document; ``test_index_redirects`` checks it separately. Folders: assets, not pages.
NOT_PAGES = {"index.html"}
NOT_PAGE_DIRS = {"_static", "_sources", "_images", "_downloads", "_sphinx_design_static"}

#: Console errors that are known, harmless theme noise. Each entry: a regular expression matched
#: against "<message> @ <url>", and why it is tolerated. Keep this list short; an entry is a
#: decision to ship an error a reader's console shows.
CONSOLE_ALLOWLIST: list[tuple[str, str]] = []

#: Markers of TeX that MathJax did not typeset, as a reader would see them in the page text.
RAW_TEX = ("$$", "\\begin", "\\frac", "\\(", "\\[")

CHAPTER = re.compile(r"^book/\d\d_[^/]+\.html$")

#: Stands for the page list when there is no build, so that the ``site`` fixture can say so.
NO_SITE = "<no built site>"
#: Stands for the chapter list of a build without chapters, so that the test can say so.
NO_CHAPTER = "<no chapter page>"


def site_pages() -> list[str]:
    """Every page of the built site, as paths relative to its root ("book/intro.html")."""
    if not SITE.is_dir():
        return []
    pages = []
    # Not into the folders that hold no page: the list then depends only on the folders it reads
    # (make test reuses a check's outcome while the folders listed for it are unchanged, and the
    # previews' files in _static/ get new names whenever their page changes).
    for folder, subfolders, files in os.walk(SITE):
        subfolders[:] = sorted(set(subfolders) - NOT_PAGE_DIRS)
        for name in files:
            rel = (Path(folder) / name).relative_to(SITE)
            if name.endswith(".html") and rel.as_posix() not in NOT_PAGES:
                pages.append(rel.as_posix())
    return sorted(pages)


def chapter_pages() -> list[str]:
    """The chapters: ``book/NN_name.html``."""
    return [p for p in site_pages() if CHAPTER.match(p)]


@dataclass
class Visit:
    """What one page showed and did when a browser opened it."""

    page: str
    url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dom: dict[str, Any] = field(default_factory=dict)
    axe: dict[str, Any] = field(default_factory=dict)
    #: The same scan in the theme's dark mode (see DARK_JS).
    axe_dark: dict[str, Any] = field(default_factory=dict)
    #: True once both scans ran (``visit(page, scans=True)``).
    scanned: bool = False
    screenshot: Path | None = None
    #: Set to False once the test's own tools (axe) start running in the page.
    recording: bool = True
    #: The previews' tips requested before the first hover (test_previews: none).
    tips_before_hover: list[str] = field(default_factory=list)
    #: The labelled claims on the page and their badges (CLAIMS_JS), read on the same visit.
    claims: list[dict[str, Any]] = field(default_factory=list)


# Everything the tests assert on, read from the page once it has loaded, fonts included.
COLLECT_JS = r"""
(rawTex) => {
  const skip = "script,style,noscript,template,pre,code,textarea,mjx-container,.headerlink";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip)) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    texts.push(n.data);
  }
  const text = texts.join(" ");
  const raw = [];
  for (const m of rawTex) {
    let i = text.indexOf(m);
    while (i >= 0 && raw.length < 10) {
      raw.push(text.slice(Math.max(0, i - 40), i + 40).replace(/\s+/g, " "));
      i = text.indexOf(m, i + 1);
    }
  }
  const mathScript = [...document.scripts].map(s => s.src).filter(s => /mathjax/i.test(s));
  const mathStyles = [...document.querySelectorAll("link[rel=stylesheet][data-mathjax]")].map(
    l => ({href: l.href, version: l.dataset.mathjax, loaded: !!l.sheet}));
  const images = [...document.images].map(img => {
    const fig = img.closest("figure");
    const cap = fig ? fig.querySelector("figcaption") : null;
    return {src: img.currentSrc || img.src, alt: (img.getAttribute("alt") || "").trim(),
            complete: img.complete, naturalWidth: img.naturalWidth,
            caption: cap ? cap.innerText.trim() : ""};
  });
  const proofs = [...document.querySelectorAll("div.proof")].map(div => {
    const classes = (div.getAttribute("class") || "").split(/\s+/);
    const title = div.querySelector(":scope > .admonition-title");
    const num = title ? title.querySelector(".caption-number") : null;
    // A numbered box is "proof <kind> admonition"; a prf:proof is just "proof admonition".
    const kind = classes[1] && classes[1] !== "admonition" ? classes[1] : "proof";
    return {id: div.id, kind: kind, title: title ? title.innerText.trim() : "",
            number: num ? num.innerText.trim() : ""};
  });
  const links = [...document.querySelectorAll("a[href]")].map(a => ({
    href: a.href, raw: a.getAttribute("href"), text: a.innerText.trim(),
    classes: a.getAttribute("class") || ""}));
  return {
    mathScripts: mathScript,
    mathStylesheets: mathStyles,
    mathjaxInPage: !!window.MathJax,
    mathElements: document.querySelectorAll(".math, span.math, div.math").length,
    untypeset: [...document.querySelectorAll(".math")].filter(
      m => !m.querySelector("mjx-container")).map(m => m.textContent.trim().slice(0, 80)),
    containers: document.querySelectorAll("mjx-container").length,
    merrors: [...document.querySelectorAll("mjx-merror")].map(
      e => (e.getAttribute("data-mjx-error") || e.textContent).slice(0, 200)),
    rawTex: raw,
    images: images,
    figures: [...document.querySelectorAll("figure")].map(f => ({
      id: f.id,
      caption: (f.querySelector("figcaption") || {innerText: ""}).innerText.trim(),
      imagesWithoutAlt: [...f.querySelectorAll("img")].filter(
        i => !(i.getAttribute("alt") || "").trim()).length})),
    proofs: proofs,
    links: links,
  };
}
"""

#: A verification badge's text as a screen reader gets it (its words, "verified" included), and
#: as the eye sees it (without the words for screen readers only, ``.verification-sr``).
BADGE_WORDS_JS = r"""
const badgeWords = b => b.textContent.replace(/\s+/g, " ").trim();
const badgeShown = b => {
  const copy = b.cloneNode(true);
  copy.querySelectorAll(".verification-sr").forEach(e => e.remove());
  return badgeWords(copy);
};
"""

# The labelled claims on a page and their verification badges (test_verification_badges.py).
CLAIMS_JS = (
    "() => {"
    + BADGE_WORDS_JS
    + r"""
  const claims = [];
  const read = (id, badge) => claims.push({id: id,
    badge: badge ? badgeWords(badge) : null, shown: badge ? badgeShown(badge) : null,
    href: badge ? badge.closest("a").getAttribute("href") : null});
  for (const box of document.querySelectorAll("div.proof[id]")) {
    if (box.id === "proof" || !box.classList.contains("admonition")) continue;
    read(box.id, box.querySelector(".verification-badge"));
  }
  for (const eq of document.querySelectorAll("div.math[id^='equation-']")) {
    const next = eq.nextElementSibling;
    const badge = next && next.classList.contains("verification-badge-line")
      ? next.querySelector(".verification-badge") : null;
    read(eq.id.slice("equation-".length), badge);
  }
  return claims;
}
"""
)

#: The axe rules that read colours: all that the dark theme, which changes only the colours
#: (CSS variables), can break; the dark scan runs these, the light one every rule.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]

# axe-core at the fixed viewport. ``label-content-name-mismatch`` (WCAG 2.5.3: a control's
# accessible name must contain its visible text, or speech users cannot name it) is tagged
# experimental in axe 4.10 and off by default; we switch it on. ``preload: false``: otherwise axe
# re-fetches the stylesheets itself (for two CSS-media rules), resolving ``@import`` against the
# page rather than the stylesheet, and its own 404s are no fault of the site. ``onlyRules``: a list
# of rules to run instead of all (the dark scan's COLOUR_RULES), or null.
#
# Highlighted code: a long chapter's code cells hold about 8,500 tokens (``<span class="n">``...)
# in a few dozen looks, and the colour-contrast rule costs about 1 ms a token. Tokens that look
# the same on the same backgrounds get the same verdict, so each scan checks the first token of
# each look, and the others are hidden from it (``data-axe-same-look``, ``visibility: hidden``
# for the scan: the layout does not move, and no other axe rule applies to a plain token span; an
# exclusion list of thousands of elements would cost axe more than it saves). A look: the
# token's colour, weight, style, size, shadow and opacity; the background colour, image and
# opacity of each element around it up to <html>; and what axe reads in its text (its length up
# to 3; letters or digits; other characters): axe leaves a single character undecided, so "1"
# and "10" in the same colour are two looks. Marked afresh for each scan: the dark theme changes
# the looks.
AXE_JS = """
async (onlyRules) => {
  const style = el => getComputedStyle(el);
  const around = new Map();  // element -> its backgrounds and theirs, up to <html>
  const backgrounds = el => {
    if (!el) return "";
    if (!around.has(el)) {
      const s = style(el);
      around.set(el, [s.backgroundColor, s.backgroundImage, s.opacity,
                      backgrounds(el.parentElement)].join("|"));
    }
    return around.get(el);
  };
  // The checks are collapsed (hide-input): open them, so that their code is scanned as a reader
  // who opens them sees it, at the end of MyST-NB's fade-in; they are closed again after the scan.
  const still = document.createElement("style");
  still.textContent = "*, *::before, *::after { animation: none !important; }";
  document.head.append(still);
  const closed = [...document.querySelectorAll("details:not([open])")];
  closed.forEach(d => { d.open = true; });
  const tokens = [...document.querySelectorAll(".highlight pre span")];
  const looks = new Set(), same = tokens.map(token => {  // read every style, then mark
    const s = style(token);
    const text = token.textContent.trim();  // axe judges one character, or symbols, apart
    const look = [s.color, s.fontWeight, s.fontStyle, s.fontSize, s.textShadow, s.opacity,
                  s.backgroundColor, backgrounds(token.parentElement), Math.min(text.length, 3),
                  /[\\p{L}\\p{N}]/u.test(text), /[^\\p{L}\\p{N}]/u.test(text)].join("|");
    return looks.has(look) || !looks.add(look);
  });
  tokens.forEach((token, i) => token.toggleAttribute("data-axe-same-look", same[i]));
  const hide = document.createElement("style");
  hide.textContent = "[data-axe-same-look] { visibility: hidden !important; }";
  document.head.append(hide);
  const r = await axe.run(document, {
    resultTypes: ["violations"],
    preload: false,
    ...(onlyRules ? {runOnly: {type: "rule", values: onlyRules}}
                  : {rules: {"label-content-name-mismatch": {enabled: true}}}),
  });
  hide.remove();
  closed.forEach(d => { d.open = false; });
  still.remove();
  return {version: axe.version, violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), impact: n.impact,
                              summary: n.failureSummary}))}))};
}
"""


#: Start an axe scan (AXE_JS) without waiting for it, so that two pages can scan at once; the
#: first timer lets the call return before axe's long synchronous start. AXE_RESULT_JS awaits it.
START_AXE_JS = (
    "(onlyRules) => { window.__axeScan = new Promise(r => setTimeout(r, 0))"
    f".then(() => ({AXE_JS.strip()})(onlyRules)); }}"
)
AXE_RESULT_JS = "() => window.__axeScan"


# The theme's dark mode, as its switcher sets it (pydata-sphinx-theme: data-theme and data-mode
# on <html>), with CSS transitions off so that axe reads the colours the reader ends up with.
DARK_JS = """
async () => {
  const off = document.createElement("style");
  off.textContent = "*, *::before, *::after { transition: none !important; }";
  document.head.appendChild(off);
  document.documentElement.dataset.mode = "dark";
  document.documentElement.dataset.theme = "dark";
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return getComputedStyle(document.body).backgroundColor;
}
"""


def _is_local(url: str, base_url: str) -> bool:
    """True for the site's own origin, and for URLs that never reach a network (data:, blob:)."""
    scheme = urlsplit(url).scheme
    if scheme in ("data", "blob", "about"):
        return True
    if base_url.startswith("file:"):
        return scheme == "file"
    return urlsplit(url).netloc == urlsplit(base_url).netloc


#: The screens a reader brings, by their CSS width: a phone (below the themes' 992 px breakpoint
#: for the sidebar and 1200 px for the outline), a tablet, and a laptop (VIEWPORT).
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 800, "height": 1000}
SCREENS = {"phone": PHONE, "tablet": TABLET, "laptop": VIEWPORT}
THEMES = ("light", "dark")


def open_page(
    browser: Any,
    url: str,
    base_url: str,
    visit: Visit,
    viewport: dict[str, int] = VIEWPORT,
    theme: str | None = None,
) -> tuple[Any, Any]:
    """Open ``url`` in a fresh context (at the fixed viewport unless told), recording its traffic.

    Requests to any other origin are recorded and aborted, as they would fail offline. ``theme``
    ("light", "dark"): the mode a returning reader chose, as the theme's switcher stores it (its
    ``localStorage`` keys), so the page loads in it.
    """
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    if theme:
        context.add_init_script(
            f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}');"
        )

    def route(r: Any) -> None:
        if _is_local(r.request.url, base_url):
            r.continue_()
        else:
            visit.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()

    def request(r: Any) -> None:
        if visit.recording:
            visit.requests.append(r.url)

    def failed(r: Any) -> None:
        if visit.recording:
            visit.failed.append(f"{r.url}: {r.failure}")

    page.on("request", request)
    page.on("requestfailed", failed)

    def response(r: Any) -> None:
        if visit.recording and r.status >= 400:
            visit.bad_status.append(f"{r.status} {r.url}")

    page.on("response", response)

    def console(msg: Any) -> None:
        if visit.recording and msg.type == "error":
            where = msg.location.get("url", "") if msg.location else ""
            visit.console_errors.append(f"{msg.text} @ {where}")

    page.on("console", console)
    page.on("pageerror", lambda e: visit.console_errors.append(f"uncaught: {e} @ {url}"))
    page.goto(url, wait_until="load")
    return context, page


def screenshot(page: Any, path: Path) -> None:
    """A PNG of the whole page at the fixed viewport's width (Chromium's faster PNG encoder)."""
    height = page.evaluate("() => document.documentElement.scrollHeight")
    cdp = page.context.new_cdp_session(page)
    shot = cdp.send(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "optimizeForSpeed": True,
            "clip": {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height, "scale": 1},
        },
    )
    cdp.detach()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))


def wait_for_mathjax(page: Any) -> None:
    """Wait until the page's fonts are in: its math was typeset when the site was built."""
    page.evaluate("() => document.fonts.ready.then(() => true)")


#: A page's previews file, as its data-tips names it.
TIPS_FILE = re.compile(r"_static/tippy/.*\.js")
#: libxml2's HTML parser, told the encoding that Sphinx writes.
_HTML = lxml.html.HTMLParser(encoding="utf-8")


def html_of(path: Path) -> Any:
    """The built file ``path`` parsed: the root element of its tree (``lxml.html``).

    libxml2 parses a 1 MB chapter in 0.03 s, BeautifulSoup's ``html.parser`` in 0.7 s. Select
    with ``.cssselect()`` (the CSS that the tests write for the browser) and read text with
    ``.text_content()`` (the DOM's ``textContent``: every text node, no comment)."""
    return lxml.html.fromstring(path.read_bytes(), parser=_HTML)


#: :func:`html_of` once per file for the session, shared by every test that reads the file (each
#: counts the read, ``reads.cache``): a test never changes the tree it is given (copy it first).
page_tree = reads.cache(html_of)


def text_runs(element: Any, left_out: str, between: str = "") -> list[str]:
    """The element's text, as ``.text_content()``, without that of its descendants that match
    the CSS selector ``left_out`` (the text after them is kept), in runs: a descendant that
    matches ``between`` ends one run and starts the next, its own text left out."""
    skip = set(element.cssselect(left_out))
    breaks = set(element.cssselect(between)) if between else set()
    runs = [""]

    def walk(node: Any) -> None:
        if node in skip:
            return
        if node in breaks:
            runs.append("")
            return
        if isinstance(node.tag, str) and node.text:  # a comment's tag is a function
            runs[-1] += node.text
        for child in node:
            walk(child)
            if child.tail:
                runs[-1] += child.tail

    walk(element)
    return runs


def text_of(element: Any, left_out: str) -> str:
    """:func:`text_runs` in one piece."""
    return "".join(text_runs(element, left_out))


@reads.view
def tips_file_of(path: Path) -> str:
    """The previews file that the built page ``path`` loads, as its data-tips names it ("" if
    none): a view (``sphinx_claims.reads``), so a test that reads a page only to find its
    previews does not run again when the page's text changes."""
    scripts = html_of(path).xpath("//script[@data-tips]")
    files = [s.get("data-tips") for s in scripts if TIPS_FILE.search(s.get("data-tips"))]
    return str(files[0]) if files else ""


@reads.cache
def tips_of(page: str) -> dict[str, str]:
    """The previews of the built page ``page`` as sphinx-tippy wrote them: link selector -> the
    tip's HTML (book/_ext/static/previews.js loads them when first wanted, from its data-tips)."""
    path = SITE / page
    file = tips_file_of(path)
    assert file, f"{page} loads no previews"
    source = (path.parent / unquote(file)).read_text(encoding="utf-8")
    start = source.index("selector_to_html = ") + len("selector_to_html = ")
    tips, _ = json.JSONDecoder().raw_decode(source[start:])
    return dict(tips)


class _Anchors(HTMLParser):
    """Collect every ``id`` and ``<a name>`` of an HTML file (the anchors a link can target) and
    every ``<a href>`` (the links, as written, in the file's order)."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value and (key == "id" or (tag == "a" and key == "name")):
                self.anchors.add(value)
            if tag == "a" and key == "href" and value is not None:
                self.links.append(value)


@reads.cache  # of the text, read (and counted) by the caller
def _parsed(html: str) -> _Anchors:
    """A built page's text, parsed once for its anchors and its links."""
    parser = _Anchors()
    parser.feed(html)
    return parser


@reads.view
def anchors_of(path: Path) -> frozenset[str]:
    """The anchors defined in the built file ``path``: a view (``sphinx_claims.reads``), so a
    test that reads a page only for its anchors does not run again when another part of it
    changes (the status page's run times)."""
    return frozenset(_parsed(path.read_text(encoding="utf-8")).anchors)


def links_of(path: Path) -> tuple[str, ...]:
    """The ``href`` of every link in the built file ``path``, as written."""
    return tuple(_parsed(path.read_text(encoding="utf-8")).links)


def resolve_internal(href: str, base_url: str, site: Path) -> str | None:
    """Check a link to the site itself; return what is wrong with it, or None if it resolves."""
    parts = urlsplit(href)
    rel = unquote(parts.path)[len(urlsplit(base_url).path) :]
    target = site / rel
    if rel == "" or rel.endswith("/"):
        target = target / "index.html"
    if not target.is_file():
        return f"{href}: no file {target.relative_to(site)} in the site"
    if parts.fragment and target.suffix == ".html":
        anchor = unquote(parts.fragment)
        if anchor not in anchors_of(target):
            return f"{href}: {target.relative_to(site)} has no anchor #{anchor}"
    return None


def unavailable(message: str) -> None:
    """Fail under CI (a check that cannot run is a failed check), skip elsewhere."""
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium, driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.is_file():
        unavailable(
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
