"""Sphinx extension: the site's math typeset at build time, so readers' browsers run no MathJax.

Sphinx's own HTML math renderer (``sphinx.ext.mathjax``) writes TeX into the page and has every
reader's browser download MathJax (1.3 MB) and typeset it, a few seconds for a long chapter. This
renderer writes the same HTML (``span.math`` inline, ``div.math`` for a display, with its
equation number and link, split and aligned as Sphinx does) but with MathJax's CommonHTML output
in place of the TeX: the pinned MathJax (``book/_ext/mathjax``, ``tools/vendor_mathjax.sh``) runs
under Debian's ``node`` (``mathjax_prerender.js``), one process for the whole build.

- Every math node goes through it: ``$...$`` and ``$$...$$`` in the chapters, the ``{math}``
  directive, the notebooks' ``text/latex`` outputs (MyST-NB makes them math blocks), the API
  reference's ``.. math::`` and the claims' titles on the verification pages. The previews on
  hover (sphinx-tippy) copy the page's HTML, so their math is typeset too.
- TeX that MathJax cannot typeset (a syntax error, an unknown macro) is a build warning, so the
  strict build fails; the page keeps MathJax's red ``mjx-merror`` box, which the browser tests
  look for.
- A preview's math is drawn without its MathML for screen readers (``mjx-assistive-mml``): a
  preview is a picture of its target, which a screen reader reaches by the link, and the copies
  of whole theorem boxes in every page's previews would otherwise carry that MathML again (a
  quarter of a long chapter's bytes).
- The glyphs' stylesheet, ``_static/mathjax/chtml.css``, is written once the pages are: it holds
  every character of every page, and loads the vendored woff-v2 fonts beside it. An incremental
  build writes only some pages, so the TeX of each page is kept between builds (``TEX_FILE``, in
  the doctrees' folder) and that of the pages not written is typeset again before the stylesheet
  is, unless the site's math is what the stylesheet was typeset from (``STYLESHEET_RECORD``: a
  prose edit), which keeps it. Every page links it (a preview on any page can show math from
  another).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number
from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).with_name("mathjax_prerender.js")
STYLESHEET = "mathjax/chtml.css"  # in _static/, beside the fonts (book/_vendor/mathjax)
TEX_FILE = "mathjax_prerender.json"  # in the doctrees' folder: each page's TeX, as typeset
#: In the doctrees' folder too: the digests of what the stylesheet was typeset from, and of it.
STYLESHEET_RECORD = "mathjax_prerender.css.json"
VERSION = (Path(__file__).with_name("mathjax") / "VERSION").read_text().strip()


class MathJax:
    """The node process that typesets TeX, started on first use and kept for the build."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        #: page -> the TeX typeset for it in this build, and whether each is a display.
        self.typeset_for: dict[str, set[tuple[str, bool]]] = {}

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        if self._process is None:
            node = shutil.which("node")
            if node is None:
                raise ExtensionError(
                    "node not found: the site's math is typeset at build time by MathJax under "
                    "node; install it with `sudo apt-get install nodejs` (Debian/Ubuntu)"
                )
            self._process = subprocess.Popen(
                [node, str(SCRIPT)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        answer = self._process.stdout.readline()
        if not answer:
            raise ExtensionError(f"MathJax under node stopped (exit {self._process.wait()})")
        return dict(json.loads(answer))

    def typeset(self, tex: str, display: bool) -> tuple[str, str | None]:
        """MathJax's CommonHTML for ``tex``, and its error message if it could not typeset it."""
        answer = self._ask({"tex": tex, "display": display})
        return answer["html"], answer["error"]

    def stylesheet(self) -> str:
        """The CSS of every glyph typeset so far, and of MathJax's elements."""
        return str(self._ask({"stylesheet": True})["css"])

    def close(self) -> None:
        if self._process is not None:
            self._process.communicate()  # closes its input, so node ends; reads what is left
            self._process = None


def _typeset(translator: HTML5Translator, node: nodes.Element, tex: str, display: bool) -> str:
    mathjax: MathJax = translator.builder.app.mathjax_prerender  # type: ignore[attr-defined]
    mathjax.typeset_for.setdefault(translator.builder.current_docname, set()).add((tex, display))
    html, error = mathjax.typeset(tex, display)
    if error is not None:
        logger.warning("TeX that MathJax cannot typeset (%s): %s", error, tex, location=node)
    return str(html)


def visit_math(self: HTML5Translator, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_typeset(self, node, node.astext(), display=False) + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self: HTML5Translator, node: nodes.math_block) -> None:
    # As sphinx.ext.mathjax.html_visit_displaymath, with the TeX typeset instead of written out.
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node["nowrap"]:
        tex = node.astext()
    else:
        if node["number"]:
            number = get_node_equation_number(self, node)
            self.body.append(f'<span class="eqno">({number})')
            self.add_permalink_ref(node, _("Link to this equation"))
            self.body.append("</span>")
        parts = [part for part in node.astext().split("\n\n") if part.strip()]
        parts = [rf"\begin{{split}}{p}\end{{split}}" if r"\\" in p else p for p in parts]
        tex = (
            parts[0]
            if len(parts) == 1
            else (r"\begin{align}\begin{aligned}" + r"\\".join(parts) + r"\end{aligned}\end{align}")
        )
    self.body.append(_typeset(self, node, tex, display=True) + "</div>\n")
    raise nodes.SkipNode


ASSISTIVE_MML = re.compile(r"<mjx-assistive-mml\b.*?</mjx-assistive-mml>", re.DOTALL)


def previews_without_mathml(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Drop the screen readers' MathML from the page's previews (sphinx-tippy's copies)."""
    page = getattr(app.env, "tippy_data", {}).get("pages", {}).get(pagename)
    if page is not None:
        tips = page["id_to_html"]
        for key, html in tips.items():
            tips[key] = ASSISTIVE_MML.sub("", html)


def link_stylesheet(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Link the glyphs' stylesheet from every page (written at the end of the build)."""
    href = context["pathto"]("_static/" + STYLESHEET, 1)
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="stylesheet" href="{href}" data-mathjax="{VERSION}" />'
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _source(every: list[tuple[str, bool]]) -> str:
    """The digest of what the stylesheet is typeset from: every TeX of the site, the MathJax
    release and the script that runs it, and node's version."""
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True)
    return _sha256(json.dumps([every, VERSION, SCRIPT.read_text(), node.stdout]).encode())


def write_stylesheet(app: Sphinx, exception: Exception | None) -> None:
    """Write the stylesheet of every glyph of every page, then stop node: the TeX of the pages
    this build did not write is typeset again (it is kept between builds)."""
    mathjax: MathJax = app.mathjax_prerender  # type: ignore[attr-defined]
    try:
        if exception is None and app.builder.format == "html":
            kept, path = Path(app.doctreedir, TEX_FILE), Path(app.outdir, "_static", STYLESHEET)
            if not mathjax.typeset_for and kept.is_file() and path.is_file():
                return  # no page written: the stylesheet of the last build holds every glyph
            earlier = json.loads(kept.read_text()) if kept.is_file() else {}
            pages = {
                page: {(tex, display) for tex, display in earlier.get(page, [])}
                for page in app.env.found_docs
            } | mathjax.typeset_for
            kept.write_text(json.dumps({page: sorted(tex) for page, tex in pages.items()}))
            # MathJax writes a glyph's rule when it first meets it: every TeX of every page, in
            # one order, typeset afresh, gives the same stylesheet for the same math whichever
            # pages this build wrote (the browser tests reuse their outcomes while it is unchanged).
            # So the same math as the stylesheet's (a prose edit) keeps the stylesheet as it is.
            every = sorted(set().union(*pages.values()))
            source, record = _source(every), Path(app.doctreedir, STYLESHEET_RECORD)
            if record.is_file() and path.is_file():
                made = {"from": source, "css": _sha256(path.read_bytes())}
                if json.loads(record.read_text()) == made:
                    return
            fresh = MathJax()
            try:
                for tex, display in every:
                    fresh.typeset(tex, display)
                css = f"/* MathJax {VERSION} CommonHTML, typeset at build time */\n"
                css += fresh.stylesheet()
            finally:
                fresh.close()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(css, encoding="utf-8")
            record.write_text(json.dumps({"from": source, "css": _sha256(css.encode())}))
    finally:
        mathjax.close()


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the renderer (chosen in _config.yml: html_math_renderer) and its stylesheet (each
    page's link to it and its previews' math: page_hooks.py calls :func:`link_stylesheet` and
    :func:`previews_without_mathml`)."""
    app.mathjax_prerender = MathJax()  # type: ignore[attr-defined]
    app.add_html_math_renderer("mathjax_prerender", (visit_math, None), (visit_displaymath, None))
    app.connect("build-finished", write_stylesheet)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": False}
