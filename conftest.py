"""Shared pytest set-up: the doctest namespace, and the verification report.

Every check that declares the claim it verifies — a notebook cell tagged ``verifies:<label>``
(run by nbval) or a test marked ``@pytest.mark.verifies("<label>")`` — has its outcome recorded
in ``_build/verification/<session>.json``, which the book's ``verification`` extension turns into
status badges. See ``book/_ext/verification_report.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from verification_report import check_kind, labels_in_tags, write_report  # noqa: E402

_CHECKS: dict[str, dict[str, Any]] = {}


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict[str, object]) -> None:
    doctest_namespace["np"] = np
    doctest_namespace["sp"] = sympy


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "verifies(*labels): the test verifies these labelled claims of the book"
    )


def _describe(item: pytest.Item) -> dict[str, Any] | None:
    """Return what ``item`` checks, or None if it declares no claim."""
    cell = getattr(item, "cell", None)
    if cell is not None:  # an nbval notebook cell
        labels = labels_in_tags(cell.get("metadata", {}).get("tags"))
        if not labels:
            return None
        return {
            "labels": labels,
            "source": "notebook",
            "notebook": Path(str(item.path)).resolve().relative_to(ROOT).as_posix(),
            "cell_id": cell.get("id"),
            "kind": check_kind(cell.get("source", "")),
        }
    labels = [str(a) for m in item.iter_markers("verifies") for a in m.args]
    if not labels:
        return None
    return {"labels": labels, "source": "pytest", "kind": "unit test"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        info = _describe(item)
        if info is not None:
            _CHECKS[item.nodeid] = {**info, "id": item.nodeid, "outcome": "not run"}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    check = _CHECKS.get(report.nodeid)
    if check is None:
        return
    if report.failed:
        check["outcome"] = "failed"
    elif report.skipped and check["outcome"] != "failed":
        check["outcome"] = "skipped"
    elif report.when == "call" and report.passed and check["outcome"] == "not run":
        check["outcome"] = "passed"


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _CHECKS:
        return
    name = "notebooks" if any(c["source"] == "notebook" for c in _CHECKS.values()) else "unit"
    if name == "notebooks" and any(c["source"] == "pytest" for c in _CHECKS.values()):
        name = "all"
    write_report(ROOT, name, sorted(_CHECKS.values(), key=lambda c: c["id"]))
