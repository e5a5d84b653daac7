"""Verification badges and the status page, as a reader sees them (issue: verification status).

Every labelled claim on a chapter page — each numbered proof box but the proofs themselves, and
each labelled equation — carries a badge whose status is written out in words, and the badge
links to the claim's row on the status page, whose status is the same.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browsing import IN_CI, NO_CHAPTER, NO_SITE, Visit, open_page

STATUS_PAGE = "book/verification_status.html"
#: The status is in the text, symbol and word; colour only repeats it.
BADGE_TEXT = re.compile(r"^(✓ verified|✗ failed|○ not run)$")

CLAIMS_JS = r"""
() => {
  const claims = [];
  for (const box of document.querySelectorAll("div.proof[id]")) {
    if (box.id === "proof" || !box.classList.contains("admonition")) continue;
    const badge = box.querySelector(".verification-badge");
    claims.push({id: box.id, badge: badge ? badge.innerText.trim() : null,
                 href: badge ? badge.getAttribute("href") : null});
  }
  for (const eq of document.querySelectorAll("div.math[id^='equation-']")) {
    const next = eq.nextElementSibling;
    const badge = next && next.classList.contains("verification-badge-line")
      ? next.querySelector(".verification-badge") : null;
    claims.push({id: eq.id.slice("equation-".length), badge: badge ? badge.innerText.trim() : null,
                 href: badge ? badge.getAttribute("href") : null});
  }
  return claims;
}
"""

ROWS_JS = r"""
() => Object.fromEntries([...document.querySelectorAll("table.verification-table tr[id^='claim-']")]
  .map(r => [r.id.slice("claim-".length), r.querySelector(".verification-badge").innerText.trim()]))
"""


def _evaluate(browser: Any, base_url: str, page_path: str, script: str) -> Any:
    v = Visit(page=page_path, url=base_url + page_path)
    context, page = open_page(browser, v.url, base_url, v)
    try:
        return page.evaluate(script)
    finally:
        context.close()


@pytest.fixture(scope="module")
def status_rows(site: Path, browser: Any, base_url: str) -> dict[str, str]:
    """Claim label -> status text, from the status page's table."""
    assert (site / STATUS_PAGE).exists(), f"{STATUS_PAGE} is missing from the build"
    return _evaluate(browser, base_url, STATUS_PAGE, ROWS_JS)


def test_every_claim_has_a_badge_that_matches_the_status_page(
    chapter: str, site: Path, browser: Any, base_url: str, status_rows: dict[str, str]
) -> None:
    assert chapter not in (NO_SITE, NO_CHAPTER)
    claims = _evaluate(browser, base_url, chapter, CLAIMS_JS)
    assert claims, f"{chapter} has no labelled claim"
    problems = []
    for c in claims:
        if c["badge"] is None:
            problems.append(f"{c['id']}: no badge")
            continue
        if not BADGE_TEXT.match(c["badge"]):
            problems.append(f"{c['id']}: badge text {c['badge']!r}")
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


def test_status_page_lists_every_claim_once(
    site: Path, browser: Any, base_url: str, status_rows: dict[str, str]
) -> None:
    on_chapters = [
        c["id"]
        for page in sorted(p.relative_to(site).as_posix() for p in site.glob("book/[0-9]*.html"))
        for c in _evaluate(browser, base_url, page, CLAIMS_JS)
    ]
    assert sorted(on_chapters) == sorted(status_rows), "status table and chapters disagree"
    assert len(set(on_chapters)) == len(on_chapters)


def test_status_page_shows_totals_runs_and_the_graph(
    site: Path, browser: Any, base_url: str, status_rows: dict[str, str]
) -> None:
    info = _evaluate(
        browser,
        base_url,
        STATUS_PAGE,
        """() => ({totals: document.querySelector(".verification-totals").innerText,
                   graph: [...document.querySelectorAll("figure.verification-graph img")]
                          .map(i => ({w: i.naturalWidth, alt: i.alt}))})""",
    )
    counts = {s: list(status_rows.values()).count(s) for s in set(status_rows.values())}
    expected = (
        f"{len(status_rows)} claims: {counts.get('✓ verified', 0)} verified, "
        f"{counts.get('✗ failed', 0)} failed, {counts.get('○ not run', 0)} not run."
    )
    assert info["totals"] == expected
    assert len(info["graph"]) == 1
    assert info["graph"][0]["w"] > 0
    assert "Dependency graph" in info["graph"][0]["alt"]


@pytest.mark.skipif(not IN_CI, reason="outside CI the site may be built without a test run")
def test_in_ci_every_claim_is_verified(status_rows: dict[str, str]) -> None:
    # CI runs `make test`: unit tests and notebooks, then the book. If a badge still says
    # "not run", the reports did not reach the build; if "failed", a check failed.
    not_verified = {k: v for k, v in status_rows.items() if v != "✓ verified"}
    assert not_verified == {}
