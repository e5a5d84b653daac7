"""The site's math, typeset at build time (book/_ext/mathjax_prerender.py): MathJax under node.

A TeX error must be reported (the strict build turns the warning into a failure) and leave the
red box that the browser tests look for; good TeX gives CommonHTML with MathML for screen readers.
Needs Debian's node, which make test-ext installs: without it these tests fail, never skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import mathjax_prerender
import pytest
from mathjax_prerender import MathJax
from sphinx_claims import reads


@pytest.fixture(scope="module")
def mathjax() -> Iterator[MathJax]:
    # node runs the script and MathJax, not Python: their files are these tests' inputs too.
    ext = Path(mathjax_prerender.__file__).parent
    reads.declare(ext / "mathjax_prerender.js", *(p for p in (ext / "mathjax").rglob("*")))
    m = MathJax()
    yield m
    m.close()


def test_good_tex_is_typeset_with_its_mathml(mathjax: MathJax) -> None:
    html, error = mathjax.typeset(r"\frac{\partial C}{\partial u} = r\, v_{1:}^T", display=True)
    assert error is None
    assert html.startswith('<mjx-container class="MathJax" jax="CHTML" display="true"')
    assert "mjx-merror" not in html
    assert "<mjx-assistive-mml" in html
    assert "<mi>C</mi>" in html  # the MathML a screen reader reads


@pytest.mark.parametrize(
    ("tex", "message"),
    [(r"\frac{1}{", "Missing close brace"), (r"\foo x", "Undefined control sequence \\foo")],
)
def test_bad_tex_is_an_error_with_a_red_box(mathjax: MathJax, tex: str, message: str) -> None:
    html, error = mathjax.typeset(tex, display=False)
    assert error == message
    assert "<mjx-merror" in html


def test_the_stylesheet_holds_the_glyphs_typeset_and_their_fonts(mathjax: MathJax) -> None:
    mathjax.typeset(r"\mathbb{R}", display=False)
    css = mathjax.stylesheet()
    assert ".mjx-c211D.TEX-A::before" in css  # the double-struck R, from the AMS font
    assert "es5/output/chtml/fonts/woff-v2/MathJax_AMS-Regular.woff" in css
