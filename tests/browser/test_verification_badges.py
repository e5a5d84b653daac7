"""Verification badges, the status page and the closing page, as a reader sees them.

Every labelled claim on a chapter page (each numbered proof box but the proofs themselves, and
each labelled equation) carries a badge, class first, then its status: "proof ✓" to the eye, with
"verified" in words for screen readers; "numerical check ✗ failed". The badge links to the
claim's row on the status page, which shows the same badge. The graph on the
status page is an SVG whose every node links to a claim; the closing page lists every claim.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browsing import (
    AFTER_TEST_RUN,
    BADGE_WORDS_JS,
    IN_CI,
    NO_CHAPTER,
    NO_SITE,
    Visit,
    html_of,
    open_page,
)
from sphinx_claims.reads import view

STATUS_PAGE = "book/verification_status.html"
CLOSING_PAGE = "book/what_this_book_proves.html"
#: A badge's words: the claim's class, then its status, as a symbol and in words (colour only
#: repeats them). A cited claim whose checks passed shows no symbol: "cited", and "verified" for
#: screen readers.
NUMBER = r"(\w+ \d+(\.\d+)*|Eq\. \(\d+(\.\d+)*\))"  # Lemma 3.1, Eq. (2.4)
CLASS = "(proof|numerical check|experiment|cited)"
STATUS = rf"(✓ verified|✗ failed|○ not run|◐ depends on [✗○] {NUMBER}, which (failed|did not run))"
BADGE_TEXT = re.compile(rf"^({CLASS} {STATUS}|cited verified)$")
#: What the eye sees of a verified claim's badge: its class and ✓, or "cited" alone.
VERIFIED_SHOWN = re.compile(r"^((proof|numerical check|experiment) ✓|cited)$")


def status_symbol(badge: str) -> str:
    """The symbol of the status a badge's words give: ✓, ◐, ✗ or ○ ("cited verified": ✓)."""
    found = re.search("[✓◐✗○]", badge)
    return found.group(0) if found else "✓" * (badge == "cited verified")


ROWS_JS = (
    "() => {"
    + BADGE_WORDS_JS
    + r"""
  const rows = document.querySelectorAll("table.verification-table tr[id^='claim-']");
  return Object.fromEntries([...rows].map(
    r => [r.id.slice("claim-".length), badgeWords(r.querySelector(".verification-badge"))]));
}
"""
)

#: The graph's nodes: each one's text and the claim its link opens (resolved against the SVG).
GRAPH_JS = r"""
async () => {
  const object = document.querySelector("figure.verification-graph object");
  if (!object) return null;
  if (!object.contentDocument) await new Promise(done => object.addEventListener("load", done));
  const svg = object.contentDocument;
  return [...svg.querySelectorAll("g.node a")].map(a => ({
    text: a.textContent.trim(),
    href: new URL(a.href.baseVal, object.data).href,
    target: a.getAttribute("target")}));
}
"""


def _evaluate(browser: Any, base_url: str, page_path: str, script: str) -> Any:
    v = Visit(page=page_path, url=base_url + page_path)
    context, page = open_page(browser, v.url, base_url, v)
    try:
        return page.evaluate(script)
    finally:
        context.close()


def _words(element: Any) -> str:
    """badgeWords of BADGE_WORDS_JS: the element's text content, spaces collapsed."""
    return " ".join(element.text_content().split())


# Views (sphinx_claims.reads) of the pages as written: a chapter's tests read the status page
# only for its badges, so they do not run again when only its run times change. Tests below hold
# each page in the browser to what these read from its file.
@view
def rows_of(path: Path) -> dict[str, str]:
    """Claim label -> its badge's words, from the table of the status page ``path`` (ROWS_JS)."""
    rows = html_of(path).cssselect("table.verification-table tr[id^='claim-']")
    return {
        r.get("id").removeprefix("claim-"): _words(r.cssselect(".verification-badge")[0])
        for r in rows
    }


@view
def claims_of(path: Path) -> list[str]:
    """The labels of the claims of the chapter page ``path``, in CLAIMS_JS's order."""
    tree = html_of(path)
    boxes = tree.cssselect("div.proof[id]")
    found = [b.get("id") for b in boxes if b.get("id") != "proof" and "admonition" in b.classes]
    equations = tree.cssselect("div.math[id^='equation-']")
    return found + [e.get("id").removeprefix("equation-") for e in equations]


@pytest.fixture(scope="module")
def status_rows(site: Path) -> dict[str, str]:
    """Claim label -> status text, from the status page's table."""
    assert (site / STATUS_PAGE).exists(), f"{STATUS_PAGE} is missing from the build"
    return rows_of(site / STATUS_PAGE)


def test_the_status_page_shows_the_badges_it_was_written_with(
    site: Path, browser: Any, base_url: str
) -> None:
    shown = _evaluate(browser, base_url, STATUS_PAGE, ROWS_JS)
    assert shown, f"{STATUS_PAGE} shows no claim"
    assert shown == rows_of(site / STATUS_PAGE)


def test_every_claim_has_a_badge_that_matches_the_status_page(
    chapter: str, site: Path, visit: Any, status_rows: dict[str, str]
) -> None:
    assert chapter not in (NO_SITE, NO_CHAPTER)
    claims = visit(chapter).claims  # read on the page's one visit (conftest.py)
    assert claims, f"{chapter} has no labelled claim"
    assert [c["id"] for c in claims] == claims_of(site / chapter), "shown and written differ"
    problems = []
    for c in claims:
        if c["badge"] is None:
            problems.append(f"{c['id']}: no badge")
            continue
        if not BADGE_TEXT.match(c["badge"]):
            problems.append(f"{c['id']}: badge text {c['badge']!r}")
        # To the eye: "proof ✓" for a verified claim; otherwise its words, less the culprit's
        # status, which its symbol shows ("depends on ✗ Lemma 3.1").
        if status_symbol(c["badge"]) == "✓":
            shown_right = bool(VERIFIED_SHOWN.match(c["shown"]))
        else:
            shown_right = c["shown"] == re.sub(r", which [\w ]+$", "", c["badge"])
        if not shown_right:
            problems.append(f"{c['id']}: badge {c['badge']!r} shows {c['shown']!r}")
        target = urlsplit(c["href"])
        if not target.path.endswith("verification_status.html") or target.fragment != (
            f"claim-{c['id']}"
        ):
            problems.append(f"{c['id']}: badge links to {c['href']}")
        if status_rows.get(c["id"]) != c["badge"]:
            problems.append(
                f"{c['id']}: badge {c['badge']!r}, status page {status_rows.get(c['id'])!r}"
            )
    assert problems == [], "\n".join(problems)


def test_status_page_lists_every_claim_once(site: Path, status_rows: dict[str, str]) -> None:
    # The chapters' claims as written: each page shows them (the test above).
    on_chapters = [
        label for page in sorted(site.glob("book/[0-9]*.html")) for label in claims_of(page)
    ]
    assert sorted(on_chapters) == sorted(status_rows), "status table and chapters disagree"
    assert len(set(on_chapters)) == len(on_chapters)


def test_status_page_shows_totals_and_a_graph_whose_nodes_link_to_claims(
    site: Path, browser: Any, base_url: str, status_rows: dict[str, str]
) -> None:
    totals = _evaluate(
        browser,
        base_url,
        STATUS_PAGE,
        "() => document.querySelector('.verification-totals').innerText",
    )
    counts = {symbol: 0 for symbol in "✓◐✗○"}
    for badge in status_rows.values():
        counts[status_symbol(badge)] += 1
    assert totals == (
        f"{len(status_rows)} claims: {counts['✓']} verified; {counts['◐']} depends on an "
        f"unverified claim; {counts['✗']} failed; {counts['○']} not run."
    )
    nodes = _evaluate(browser, base_url, STATUS_PAGE, GRAPH_JS)
    assert nodes, "the status page has no dependency graph"
    problems = []
    for node in nodes:
        target = urlsplit(node["href"])
        label = target.fragment.removeprefix("equation-")
        if label not in status_rows or not (site / target.path.lstrip("/")).is_file():
            problems.append(f"{node['text']!r} links to {node['href']}")
        elif node["text"][0] != status_symbol(status_rows[label]) or node["target"] != "_top":
            problems.append(f"{node['text']!r}: status {status_rows[label]!r}, {node['target']}")
    assert problems == [], "\n".join(problems)


def test_closing_page_lists_every_claim_with_its_badge(
    site: Path, browser: Any, base_url: str, status_rows: dict[str, str]
) -> None:
    assert (site / CLOSING_PAGE).exists(), f"{CLOSING_PAGE} is missing from the build"
    listed = _evaluate(
        browser,
        base_url,
        CLOSING_PAGE,
        "() => {"
        + BADGE_WORDS_JS
        + """return [...document.querySelectorAll("table.verification-table tbody tr")].map(r => ({
              claim: r.querySelector("code").innerText,
              badge: badgeWords(r.querySelector(".verification-badge"))}))}""",
    )
    assert {x["claim"]: x["badge"] for x in listed} == status_rows
    assert len(listed) == len(status_rows)


@pytest.mark.skipif(
    not (IN_CI or AFTER_TEST_RUN),
    reason="make test-browser alone may test a site built without a test run",
)
def test_after_a_test_run_every_claim_is_verified(status_rows: dict[str, str]) -> None:
    # make test (and so CI) runs the unit tests and notebooks, then builds the book. If a badge
    # still says "not run", the reports did not reach the build; if "failed", a check failed.
    not_verified = {k: v for k, v in status_rows.items() if status_symbol(v) != "✓"}
    assert not_verified == {}
