"""pytest plugin (loaded by the root ``conftest.py``): record what each check verified.

At collection every check gets its claims as ``item.user_properties`` (``("verifies", label)``;
for a notebook cell run by nbval, the labels of its ``verifies:<label>`` tags, with the notebook
and the cell id). At the end of the session the outcomes that pytest's terminal reporter holds go
into one report per kind of session (``unit``, ``notebooks`` or ``all``): :mod:`verification.record`.
"""

from __future__ import annotations

import itertools

import pytest

from verification import record


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        where: dict[str, object]
        cell = getattr(item, "cell", None)  # a notebook cell (nbval)
        if cell is not None:
            labels = record.labels_in_tags(cell.get("metadata", {}).get("tags"))
            where = {"notebook": item.path.relative_to(config.rootpath).as_posix()}
            notebook = "\n".join(c.source for c in item.parent.nb.cells)  # type: ignore[union-attr]
            where |= {"cell_id": cell.get("id"), "exact": record.is_exact(cell.source, notebook)}
        else:  # a unit test: exact if its module calls assert_identity or assert_rank
            labels = tuple(str(a) for m in item.iter_markers("verifies") for a in m.args)
            where = {"exact": bool(labels) and record.is_exact(item.path.read_text())}
        if labels:
            item.user_properties += [("verifies", x) for x in labels] + list(where.items())


def _check(item: pytest.Item, outcomes: set[str]) -> record.Check:
    props = dict(item.user_properties)
    outcome = next((o for o in ("failed", "skipped", "passed") if o in outcomes), "not run")
    labels = tuple(v for k, v in item.user_properties if k == "verifies")
    return record.Check(
        item.nodeid, labels, outcome, props["exact"], props.get("notebook"), props.get("cell_id")
    )


def pytest_sessionfinish(session: pytest.Session) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    ran: dict[str, set[str]] = {}  # node id -> outcomes of its call, and of a failed set-up
    for report in itertools.chain(*getattr(reporter, "stats", {}).values()):
        if isinstance(report, pytest.TestReport) and (report.when == "call" or not report.passed):
            ran.setdefault(report.nodeid, set()).add(report.outcome)
    checks = [
        _check(i, ran.get(i.nodeid, set()))
        for i in getattr(session, "items", [])
        if any(k == "verifies" for k, _ in i.user_properties)
    ]
    kinds = {"notebooks" if c.notebook else "unit" for c in checks}
    if checks:
        record.write(session.config.rootpath, kinds.pop() if len(kinds) == 1 else "all", checks)
