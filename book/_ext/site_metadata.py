"""Sphinx extension: what a page says about itself to search engines and link previews.

- **The published address.** Open Graph's ``og:url`` and ``og:image`` must be absolute URLs, so
  they need the address the site is published at: ``ogp_site_url`` in ``_config.yml``, or the
  environment variable ``BOOK_SITE_URL``, which wins (the GitHub Pages workflow sets it from the
  Pages address). It also becomes ``html_baseurl`` (the pages' canonical links) unless that is
  set. Unset, a page names no ``og:url``, ``og:image`` or ``og:image:alt`` rather than relative
  ones (sphinxext-opengraph writes them relative, which Open Graph does not allow); the other
  tags (title, type, description; the site name, the book's title) need no address.
- **A page's description.** A page may state it in its front matter, ``description: ...``: it
  becomes ``<meta name="description">`` and ``og:description``. Other pages get both from their
  first paragraph (sphinxext-opengraph). The description is given to the page before it is
  written (:func:`describe`, a ``meta`` node that the HTML writer puts in the page's head, where
  sphinxext-opengraph finds it and writes no other), so it needs no place among the page hooks;
  :func:`no_relative_urls` does, after sphinxext-opengraph (``page_hooks.py``).
"""

from __future__ import annotations

import os
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

#: Tags that need an absolute URL, as sphinxext-opengraph writes them.
_NEED_ADDRESS = re.compile(r'<meta property="og:(url|image|image:alt)" content="[^"]*" />\n?')


def site_url(app: Sphinx, config: Config) -> None:
    """The published address: ``BOOK_SITE_URL``, else ``ogp_site_url``; ends with "/"."""
    url = os.environ.get("BOOK_SITE_URL", "").strip() or config.ogp_site_url
    if url and not url.endswith("/"):
        url += "/"
    config.ogp_site_url = url
    if url and not config.html_baseurl:
        config.html_baseurl = url
    if config.ogp_site_name is None:  # else Sphinx's project name, which Jupyter Book leaves unset
        config.ogp_site_name = config.html_title


def describe(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A front-matter description as the HTML page's ``<meta name="description">`` (a node the
    writer puts in the head) and as Open Graph's ``og:description`` (a field of the page's
    metadata, which sphinxext-opengraph writes instead of its own)."""
    meta = app.env.metadata.get(docname, {})
    description = str(meta.get("description", "")).strip()
    if description and app.builder.format == "html":
        meta.setdefault("og:description", description)
        doctree.append(nodes.meta("", name="description", content=description))


def no_relative_urls(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """After sphinxext-opengraph: without a published address, drop the tags that need one
    (called by page_hooks.py)."""
    if not app.config.ogp_site_url:
        context["metatags"] = _NEED_ADDRESS.sub("", context.get("metatags", ""))


def setup(app: Sphinx) -> dict[str, Any]:
    """Read the address once the configuration is; give each page its description."""
    app.setup_extension("sphinxext.opengraph")
    app.connect("config-inited", site_url)
    app.connect("doctree-resolved", describe)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
