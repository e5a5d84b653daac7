"""The banner of a site whose claims are not all verified (sphinx_claims/banner.py).

A site built without a test run of its sources (``make book`` alone) shows, on every page, a
banner saying that its badges say "not run"; one built after a run in which a check failed or
did not run says how many claims are not verified. A site built after a run in which every check
passed (``make site``) shows none. Which case a build is, the status page's totals say.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from browsing import AFTER_TEST_RUN, IN_CI, NO_SITE, Visit, open_page
from sphinx_claims.reads import view

STATUS_PAGE = "book/verification_status.html"
BANNER = re.compile(r'<aside class="bd-header-announcement"[^>]*>(.*?)</aside>', re.S)

#: The banner as the reader sees it at the top of the page: its text, and that it is in view.
BANNER_JS = r"""
() => {
  const aside = document.querySelector("aside.bd-header-announcement");
  if (!aside) return null;
  const box = aside.getBoundingClientRect();
  return {text: aside.innerText.replace(/\s+/g, " ").trim(), top: box.top, height: box.height,
          visible: aside.checkVisibility({visibilityProperty: true, opacityProperty: true}),
          link: aside.querySelector("a") ? aside.querySelector("a").href : null};
}
"""


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


@view
def totals_of(path: Path) -> list[int] | None:
    """[claims, verified claims], from the totals of the status page ``path``: a view
    (``sphinx_claims.reads``), so the pages' banner tests do not run again when only its run
    times change."""
    found = re.search(r"(\d+) claims:</strong> (\d+) verified;", path.read_text(encoding="utf-8"))
    return [int(found.group(1)), int(found.group(2))] if found else None


@pytest.fixture(scope="module")
def totals(site: Path) -> tuple[int, int]:
    """(claims, verified claims), from the status page's totals."""
    found = totals_of(site / STATUS_PAGE)
    assert found, f"{STATUS_PAGE} shows no totals"
    return found[0], found[1]


def test_every_page_has_the_banner_unless_every_claim_is_verified(
    page: str, site: Path, totals: tuple[int, int]
) -> None:
    assert page != NO_SITE
    claims, verified = totals
    found = BANNER.findall((site / page).read_text(encoding="utf-8"))
    if verified == claims:
        assert found == [], f"{page}: a banner on a site whose {claims} claims are verified"
        return
    assert len(found) == 1, f"{page}: {claims - verified} claims are not verified, and no banner"
    text = _text(found[0])
    assert text.startswith(
        ("No test run is recorded for this build", "Not every check of this build ran")
    ), text
    assert text.endswith("See the verification status."), text


def test_the_banner_is_in_view_at_the_top_and_links_to_the_status(
    site: Path, browser: Any, base_url: str, totals: tuple[int, int]
) -> None:
    claims, verified = totals
    for page_path in ("book/intro.html", "book/03_equivalence_proof.html"):
        v = Visit(page=page_path, url=base_url + page_path)
        context, page = open_page(browser, v.url, base_url, v)
        try:
            banner = page.evaluate(BANNER_JS)
        finally:
            context.close()
        if verified == claims:
            assert banner is None, banner
            continue
        assert banner is not None, f"{page_path}: no banner"
        assert banner["visible"], banner
        assert banner["top"] == 0, banner
        assert banner["height"] > 0, banner
        assert f"{claims - verified}" in banner["text"] or str(claims) in banner["text"], banner
        assert banner["link"] == base_url + STATUS_PAGE, banner


@pytest.mark.skipif(
    not (IN_CI or AFTER_TEST_RUN),
    reason="make test-browser alone may test a site built without a test run",
)
def test_after_a_test_run_no_page_has_the_banner(site: Path, totals: tuple[int, int]) -> None:
    # make test builds the site from its own run: every claim verified, so no banner anywhere.
    assert totals[0] == totals[1], f"after the test run, {totals[0] - totals[1]} claims unverified"
    with_banner = [p for p in site.rglob("*.html") if BANNER.search(p.read_text(encoding="utf-8"))]
    assert with_banner == []
