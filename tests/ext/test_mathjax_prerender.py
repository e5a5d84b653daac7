"""The site's math, typeset at build time (book/_ext/mathjax_prerender.py): MathJax under node.

A TeX error must be reported (the strict build turns the warning into a failure) and leave the
red box that the browser tests look for; good TeX gives CommonHTML with MathML for screen readers.
Needs Debian's node, which make test-ext installs: without it these tests fail, never skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

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


def test_the_stylesheet_is_typeset_again_only_for_other_math(
    mathjax: MathJax, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An incremental build: the stylesheet is written at its end from every page's TeX.
    typeset = []
    original = MathJax.typeset

    def counted(self: MathJax, tex: str, display: bool) -> tuple[str, str | None]:
        typeset.append(tex)
        return original(self, tex, display)

    monkeypatch.setattr(MathJax, "typeset", counted)
    css = tmp_path / "html" / "_static" / mathjax_prerender.STYLESHEET

    def build(written: dict[str, set[tuple[str, bool]]]) -> str:
        typeset.clear()
        app = SimpleNamespace(
            doctreedir=tmp_path / "doctrees",
            outdir=tmp_path / "html",
            env=SimpleNamespace(found_docs={"a", "b"}),
            builder=SimpleNamespace(format="html"),
            mathjax_prerender=SimpleNamespace(typeset_for=written, close=lambda: None),
        )
        app.doctreedir.mkdir(exist_ok=True)
        mathjax_prerender.write_stylesheet(app, None)  # type: ignore[arg-type]
        return css.read_text(encoding="utf-8")

    first = build({"a": {(r"\mathbb{R}", False)}, "b": {("x", True)}})
    assert sorted(typeset) == [r"\mathbb{R}", "x"]
    assert ".mjx-c211D.TEX-A::before" in first
    assert build({"a": {(r"\mathbb{R}", False)}}) == first  # page a written again, same math
    assert typeset == [], "the same math was typeset again"
    css.write_text("/* changed by hand */", encoding="utf-8")
    assert build({"a": {(r"\mathbb{R}", False)}}) == first  # a stylesheet not as written
    assert sorted(typeset) == [r"\mathbb{R}", "x"]
    other = build({"a": {(r"\mathbb{C}", False)}})  # page a's math changed
    assert sorted(typeset) == [r"\mathbb{C}", "x"]
    assert ".mjx-c2102.TEX-A::before" in other
    assert ".mjx-c211D.TEX-A::before" not in other
