"""Verification: every claim of the book shows whether the checks behind it passed.

The chain, a module per step (book/verifying.md tells it for readers): checks name the claims
they verify (``verifies:<label>`` cell tags, ``@pytest.mark.verifies``); :mod:`.pytest_plugin`
records a test run in the schema of :mod:`.record`; :mod:`.claims` reads the claims, the checks
and the reports into the build and computes each claim's status; :mod:`.render` shows them, and
:mod:`.banner` says on every page of the site when they are not all verified.
"""

from __future__ import annotations

from typing import Any


def setup(app: Any) -> dict[str, Any]:
    """The Sphinx extension; imported only here, so that pytest loads the plugin without Sphinx."""
    from verification import banner, render

    metadata = render.setup(app)
    banner.setup(app)
    return metadata
