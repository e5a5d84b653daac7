"""The name of a page's tips file (book/_ext/previews.py): made from the page's body.

sphinx-tippy names it with ``uuid4``, so a page written again with the same content was other
bytes, and make test ran again the browser tests of every page an incremental build rewrote.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from previews import tips_named_by_content


def _app(tmp_path: Path, *pages: str) -> Any:
    records = {p: {"js_path": tmp_path / "_static" / "tippy" / f"{p}.uuid.js"} for p in pages}
    return SimpleNamespace(outdir=str(tmp_path), env=SimpleNamespace(tippy_data={"pages": records}))


def test_the_same_body_gives_the_same_name_in_another_build(tmp_path: Path) -> None:
    first = tips_named_by_content(_app(tmp_path, "book/intro"), "book/intro", "<p>text</p>")
    again = tips_named_by_content(_app(tmp_path, "book/intro"), "book/intro", "<p>text</p>")
    assert first == again
    assert first is not None
    assert first.startswith("_static/tippy/book/intro.")


def test_another_body_or_page_gives_another_name(tmp_path: Path) -> None:
    app = _app(tmp_path, "book/intro", "book/errata")
    names = {
        tips_named_by_content(app, "book/intro", "<p>text</p>"),
        tips_named_by_content(app, "book/intro", "<p>text.</p>"),
        tips_named_by_content(app, "book/errata", "<p>text</p>"),
    }
    assert len(names) == 3


def test_the_record_sphinx_tippy_writes_from_has_the_name(tmp_path: Path) -> None:
    app = _app(tmp_path, "book/intro")
    name = tips_named_by_content(app, "book/intro", "<p>text</p>")
    assert name is not None
    assert app.env.tippy_data["pages"]["book/intro"]["js_path"] == tmp_path.joinpath(name)


def test_a_page_sphinx_tippy_has_no_record_of_keeps_its_script(tmp_path: Path) -> None:
    assert tips_named_by_content(_app(tmp_path), "search", "<p>text</p>") is None
