"""The seams: the package imports nothing of a book that uses it, only its declared dependencies.

A book reaches the package through configuration (``claims_*`` in Sphinx's and pytest's) and the
plugin's entry point; nothing here may import the book's package, tests, tools or extensions.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import sphinx_claims

PACKAGE = Path(sphinx_claims.__file__).parent
#: The dependencies of pyproject.toml, and two the machine summary reads if they are installed.
DEPENDENCIES = {"sphinx", "docutils", "sphinx_proof", "nbformat", "pytest"}
OPTIONAL = {"numpy", "threadpoolctl"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.partition(".")[0])
    return found


def test_the_package_imports_only_itself_its_dependencies_and_the_standard_library() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 5
    allowed = {"sphinx_claims", *DEPENDENCIES, *OPTIONAL, *sys.stdlib_module_names}
    strangers = {p.name: _imports(p) - allowed for p in modules}
    assert strangers == {p.name: set() for p in modules}


def test_the_package_names_no_folder_of_the_book() -> None:
    for path in PACKAGE.glob("*.py"):
        text = path.read_text()
        for folder in ("book/", "src/", "tests/", "tools/", "linearnet"):
            assert folder not in text, f"{path.name} names {folder}"
