"""Sphinx extension: what the previews on hover (sphinx-tippy) need beyond sphinx-tippy itself.

- ``previews.js`` (in ``static/``) stands in for each page's tips script: it loads the tips when
  the reader first points at, or tabs to, a link in the text, not with the page (on a long chapter
  the tips are about 0.5 MB, a fifth of what the page loads).
- ``previews.css`` (in ``static/``) gives the tips the theme's colours (light or dark) instead of
  Tippy's dark grey. Their math needs nothing here: sphinx-tippy copies the target's HTML, typeset
  at build time (mathjax_prerender.py).
- sphinx-tippy writes each page's tips to ``_static/tippy/<page>.<uuid>.js``, a new name each
  time it writes the page, so that a browser never keeps an old copy: a page written again with
  the same content was other bytes, and make test ran again the browser tests of every page an
  incremental build rewrites (after a prose edit in one chapter, the pages that link to it). The
  name is made from the page's content instead (:func:`tips_named_by_content`): a page with the
  same body links the same file; a page whose body changed links a new one. The tips of a page
  also hold its links' targets, from other pages: when only a target changes, the file keeps its
  name and a browser may show the old preview until its copy expires (GitHub Pages: 10 minutes).
- sphinx-tippy deletes the old file only for pages at the top level (it looks for
  ``<first part>.*.js`` beside the file). The book's pages are in ``book/``, so every build would
  leave a copy of their tips behind: the files no page loads are removed when the build ends.
- sphinx-tippy gathers each page's targets while it writes the page, and keeps them only for that
  build (in ``env.tippy_data``, after Sphinx has saved its environment), so a page would make tips
  only for links to pages written in the same build: after an incremental build the chapters'
  citations had no preview (the bibliography had not changed). So what it gathered is kept
  between builds (``KEPT``, in the doctrees' folder) and given back to it when the next build
  starts: the pages an incremental build does not write keep their tips, and link to the others'.
- sphinx-tippy keeps each page's references in sets and writes its tips in their order, which
  changes from one process to the next (and with a pickled set's history): the same sources gave
  other files on every build. They are sorted when they are given back to it, and once every page
  is written, before it writes them (``html-collect-pages``, before ``build-finished``; a build
  that writes no page emits no such event), so an unchanged build writes the same bytes (make test
  reuses the browser tests' outcomes while the files they load are unchanged).
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

KEPT = "previews.pickle"  # in the doctrees' folder: sphinx-tippy's env.tippy_data of the last build


def load_tips_on_demand(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Put ``previews.js`` in place of the page's tips script, which it loads when wanted, from a
    file named after the page's body (:func:`tips_named_by_content`)."""
    scripts = context.get("script_files", [])
    for i, script in enumerate(scripts):
        name = str(getattr(script, "filename", script))
        if name.startswith("_static/tippy/") and name.endswith(".js"):
            name = tips_named_by_content(app, pagename, context.get("body", "")) or name
            tips = context["pathto"](name, resource=True)
            attributes = {"defer": "defer", "data-tips": tips}
            scripts[i] = type(script)("_static/previews.js", priority=script.priority, **attributes)


def tips_named_by_content(app: Sphinx, pagename: str, body: str) -> str | None:
    """Name the page's tips file after its body, not sphinx-tippy's ``uuid4`` (see the module's
    docstring), in the record sphinx-tippy writes the file from; return the name, under
    ``_static/``, or ``None`` if sphinx-tippy has no record of the page."""
    record = getattr(app.env, "tippy_data", {}).get("pages", {}).get(pagename)
    if record is None:
        return None
    digest = hashlib.sha256(f"{pagename}\n{body}".encode()).hexdigest()[:20]
    name = f"_static/tippy/{pagename}.{digest}.js"
    record["js_path"] = Path(app.outdir, *name.split("/"))
    return name


def restore_tips(app: Sphinx) -> None:
    """Give sphinx-tippy back what it gathered in the last build (see the module's docstring)."""
    kept = Path(app.doctreedir, KEPT)
    if app.builder.format == "html" and kept.is_file():
        app.env.tippy_data = pickle.loads(kept.read_bytes())  # type: ignore[attr-defined]
        _in_order(app.env.tippy_data)  # type: ignore[attr-defined]


def _in_order(data: dict[str, Any] | None) -> None:
    """Each page's sets of references as lists in one order (sphinx-tippy only iterates them)."""
    for page in (data or {}).get("pages", {}).values():
        for key, value in page.items():
            if isinstance(value, set):
                page[key] = sorted(
                    value, key=lambda x: tuple(map(str, x if isinstance(x, tuple) else (x,)))
                )


def sort_tips(app: Sphinx) -> list[tuple[str, dict[str, Any], str]]:
    """Each page's references in one order (see the module's docstring); no page of its own."""
    _in_order(getattr(app.env, "tippy_data", None))
    return []


def keep_tips(app: Sphinx, exception: Exception | None) -> None:
    """Keep what sphinx-tippy gathered, for the pages that still exist, for the next build; delete
    the tip files of earlier builds, those that no page's record names.

    In either order with sphinx-tippy's own ``build-finished`` handler, which writes each page's
    file under the name its record holds: a file is kept if a record names it, whether or not
    sphinx-tippy has written it yet, so the folder ends the same."""
    data = getattr(app.env, "tippy_data", None)
    if exception is not None or data is None or app.builder.format != "html":
        return
    data["pages"] = {k: v for k, v in data["pages"].items() if k in app.env.found_docs}
    Path(app.doctreedir, KEPT).write_bytes(pickle.dumps(data))
    loaded = {Path(page["js_path"]).resolve() for page in data["pages"].values()}
    folder = Path(app.outdir, "_static", "tippy")
    for stale in (f for f in folder.rglob("*.js") if f.resolve() not in loaded):
        stale.unlink()


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the style, the tips kept between builds and the clean-up (the tips loaded on
    demand: :func:`load_tips_on_demand`, called by page_hooks.py)."""
    app.add_css_file("previews.css")
    app.connect("builder-inited", restore_tips)
    app.connect("html-collect-pages", sort_tips)
    app.connect("build-finished", keep_tips)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
