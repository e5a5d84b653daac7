"""Every cache the tests share between checks counts its reads for each check it serves.

``make test`` reuses a check's outcome while nothing it read has changed (the claims package's
``reuse.py``). A check served from ``functools.cache`` by another check that filled it would seem
to have read nothing, and be reused after the file changed. So the tests cache with
``sphinx_claims.reads.cache``, which counts what filling the cache read for every check it serves.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNCOUNTED = {"cache", "lru_cache", "cached_property"}  # functools' caches


def plain_caches(source: str) -> list[int]:
    """The lines of ``source`` that use one of functools' caches."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "functools":
            found += [node.lineno for a in node.names if a.name in UNCOUNTED]
        elif isinstance(node, ast.Attribute) and node.attr in UNCOUNTED:
            if isinstance(node.value, ast.Name) and node.value.id == "functools":
                found.append(node.lineno)
    return found


def test_plain_caches_are_found() -> None:
    assert plain_caches("import functools\n\n@functools.cache\ndef f(): pass\n") == [3]
    assert plain_caches("from functools import lru_cache\n") == [1]
    assert plain_caches("from sphinx_claims.reads import cache\n\n@cache\ndef f(): pass\n") == []


@pytest.mark.parametrize(
    "path",
    sorted([*ROOT.glob("tests/**/*.py"), ROOT / "conftest.py"]),
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_no_test_shares_a_plain_cache(path: Path) -> None:
    lines = plain_caches(path.read_text(encoding="utf-8"))
    assert not lines, f"{path.name}, lines {lines}: use sphinx_claims.reads.cache"
