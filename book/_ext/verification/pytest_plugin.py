"""pytest plugin (loaded by the root ``conftest.py``): record what each check verified.

At collection every check gets its claims as ``item.user_properties`` (``("verifies", label)``;
for a notebook cell run by nbval, the labels of its ``verifies:<label>`` tags, with the notebook
and the cell id). Each test report carries them; the session that reports (the only one, or under
pytest-xdist the controller, to which the workers send every report) keeps the outcomes of the
checks, and at its end writes one report per kind of session (``unit``, ``notebooks`` or ``all``):
:mod:`verification.record`. A check that was collected but never ran (a session cut short) is
recorded as "not run" where the session knows its items (without xdist).
"""

from __future__ import annotations

import pytest

from verification import record


class Recorder:
    """The outcomes of every check this session reports, and the order they were collected in."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        #: node id -> (its user properties, the outcomes of its call and of a failed set-up).
        self.ran: dict[str, tuple[list[tuple[str, object]], set[str]]] = {}
        #: node id -> its place in the collection (under xdist, as the workers collected it).
        self.order: dict[str, int] = {}

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.order.update((item.nodeid, i) for i, item in enumerate(items))

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        # pytest-xdist's controller collects nothing itself: its workers' lists give the order.
        for i, nodeid in enumerate(ids):
            self.order.setdefault(nodeid, i)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # Under xdist the workers' reports arrive here, in the controller, properties included.
        if not any(k == "verifies" for k, _ in report.user_properties):
            return
        if report.when == "call" or not report.passed:
            entry = self.ran.setdefault(report.nodeid, (list(report.user_properties), set()))
            entry[1].add(report.outcome)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput"):  # an xdist worker: the controller writes
            return
        ran = dict(self.ran)
        for item in getattr(session, "items", []):  # collected here but never run: "not run"
            if item.nodeid not in ran and any(k == "verifies" for k, _ in item.user_properties):
                ran[item.nodeid] = (list(item.user_properties), set())
        place = lambda nodeid: (self.order.get(nodeid, len(self.order)), nodeid)  # noqa: E731
        checks = [_check(nodeid, *ran[nodeid]) for nodeid in sorted(ran, key=place)]
        kinds = {"notebooks" if c.notebook else "unit" for c in checks}
        if checks:
            record.write(self.config.rootpath, kinds.pop() if len(kinds) == 1 else "all", checks)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(Recorder(config), "verification-recorder")


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


def _check(nodeid: str, properties: list[tuple[str, object]], outcomes: set[str]) -> record.Check:
    props = dict(properties)
    outcome = next((o for o in ("failed", "skipped", "passed") if o in outcomes), "not run")
    labels = tuple(str(v) for k, v in properties if k == "verifies")
    notebook, cell_id = props.get("notebook"), props.get("cell_id")
    return record.Check(
        nodeid,
        labels,
        outcome,
        bool(props["exact"]),
        None if notebook is None else str(notebook),
        None if cell_id is None else str(cell_id),
    )
