"""A banner on every page of a site whose claims are not all verified.

A site built without a test run of its sources (``make book`` alone), or from a run in which a
check failed or did not run, says so at the top of every page: how many claims are not verified,
by status, and a link to the status page. The site ``make site`` publishes, built after every
check passed, has no banner. The banner is the theme's own (pydata-sphinx-theme's announcement,
an ``<aside>`` above the header), given per page, as only the build knows the claims' statuses.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any

from sphinx.application import Sphinx

from sphinx_claims.claims import Verdicts
from sphinx_claims.record import Status


def message(v: Verdicts) -> str | None:
    """The banner's words, or None when every claim is verified."""
    counts = Counter(v.status(label)[0] for label in v.claims)
    if counts[Status.VERIFIED] == len(v.claims):
        return None
    if not v.reports:
        return f"No test run is recorded for this build: all {len(v.claims)} badges say “not run”."
    by_status = ", ".join(
        f"{counts[s]} {s.words}" for s in Status if s is not Status.VERIFIED and counts[s]
    )
    return f"Not every check of this build ran and passed: {by_status} (of {len(v.claims)} claims)."


def announce(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give the page the theme's announcement banner when some claim is not verified."""
    v: Verdicts = app.env.get_domain("verification").verdicts  # type: ignore[attr-defined]
    words = message(v)
    if words is None:
        return
    html = f'<span class="verification-banner">{escape(words, quote=False)}</span>'
    if v.status_page:
        href = escape(context["pathto"](v.status_page))
        html += f' <a href="{href}">See the verification status.</a>'
    context["theme_announcement"] = html
