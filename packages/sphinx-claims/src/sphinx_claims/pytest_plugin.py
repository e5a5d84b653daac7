"""pytest plugin (entry point ``pytest11``): record what each check verified.

Off unless the ini option ``claims_report_dir`` names a folder. At collection every check gets its
claims as ``item.user_properties`` (``("verifies", label)``; for a notebook cell run by nbval, the
labels of its ``verifies:<label>`` tags, with the notebook and the cell id), and the functions its
own code calls (:func:`sphinx_claims.record.calls`: the test function's, or the cell's). pytest's
own reports carry them; the session that reports (the only one, or under pytest-xdist the
controller, to which the workers send every report) keeps the outcomes, and at its end writes one
report per kind of session (``unit``, ``notebooks`` or ``all``): :mod:`sphinx_claims.record`. A
check that was collected but never ran (a session cut short) is recorded as "not run" where the
session knows its items (without xdist).

The ini option ``claims_sources`` lists the files a run vouches for, as glob patterns relative to
the root folder: a bare pattern for every session, ``unit: <pattern>`` or ``notebooks:
<pattern>`` for one kind.
"""

from __future__ import annotations

import dataclasses
import inspect
import textwrap
from pathlib import Path

import pytest

from sphinx_claims import record, reuse


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("claims_report_dir", "folder of the claims' reports (empty: record nothing)")
    parser.addini("claims_tag_prefix", "cell tag prefix naming a claim", default="verifies:")
    parser.addini("claims_sources", "glob patterns of the files a run vouches for", "linelist")
    parser.addini("claims_reuse_dir", "folder of what each check read (empty: reuse nothing)")
    parser.addini(
        "claims_environment", "files (glob) and $ commands that can change outcomes", "linelist"
    )
    parser.addini("claims_reuse_ignore", "folders whose reads never count", "linelist")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    # Before the conftest files import anything: what they import, the checks read.
    if early_config.getini("claims_reuse_dir"):
        early_config.pluginmanager.register(reuse.Reuse(early_config), "claims-reuse")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "verifies(*labels): the test verifies these claims")
    if config.getini("claims_report_dir"):
        config.pluginmanager.register(Recorder(config), "claims-recorder")


def _own_code(item: pytest.Item) -> tuple[str, list[str]]:
    """The code of a check and the code around it: a unit test's function and module."""
    function = getattr(item, "function", None)
    try:
        return textwrap.dedent(inspect.getsource(function)), [item.path.read_text()]  # type: ignore[arg-type]
    except (TypeError, OSError):
        return "", []


class Recorder:
    """The outcomes of every check this session reports, and the order they were collected in."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.prefix = str(config.getini("claims_tag_prefix"))
        #: node id -> (its user properties, the outcomes of its call and of a failed set-up).
        self.ran: dict[str, tuple[list[tuple[str, object]], set[str]]] = {}
        #: node id -> its place in the collection (under xdist, as the workers collected it).
        self.order: dict[str, int] = {}

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for i, item in enumerate(items):
            self.order[item.nodeid] = i
            where: dict[str, object]
            cell = getattr(item, "cell", None)  # a notebook cell (nbval)
            if cell is not None:
                labels = record.labels_in_tags(cell.get("metadata", {}).get("tags"), self.prefix)
                notebook = [c.source for c in item.parent.nb.cells]  # type: ignore[union-attr]
                where = {"notebook": item.path.relative_to(self.config.rootpath).as_posix()}
                where |= {"cell_id": cell.get("id"), "calls": record.calls(cell.source, notebook)}
            else:
                labels = tuple(str(a) for m in item.iter_markers("verifies") for a in m.args)
                where = {"calls": record.calls(*_own_code(item)) if labels else ()}
            if labels:
                item.user_properties += [("verifies", x) for x in labels] + list(where.items())

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
        plugin = self.config.pluginmanager.get_plugin("claims-reuse")
        for nodeid, entry in getattr(plugin, "reused", {}).items():  # not run: their record
            if any(k == "verifies" for k, _ in entry.properties):
                ran[nodeid] = (entry.properties, {entry.outcome})
        place = lambda nodeid: (self.order.get(nodeid, len(self.order)), nodeid)  # noqa: E731
        checks = [self.check(nodeid, *ran[nodeid]) for nodeid in sorted(ran, key=place)]
        kinds = {"notebooks" if c.notebook else "unit" for c in checks}
        if checks:
            kind = kinds.pop() if len(kinds) == 1 else "all"
            root = self.config.rootpath
            folder = root / Path(str(self.config.getini("claims_report_dir")))
            record.write(folder, root, kind, self.patterns(kind), checks)

    def patterns(self, kind: str) -> tuple[str, ...]:
        """The patterns of ``claims_sources`` for every session and for this kind of session."""
        found = []
        for line in self.config.getini("claims_sources"):
            for_kind, _, pattern = line.rpartition(":")
            if not for_kind or kind in ("all", for_kind.strip()):
                found.append(pattern.strip())
        return tuple(found)

    def check(
        self, nodeid: str, properties: list[tuple[str, object]], outcomes: set[str]
    ) -> record.Check:
        """The check's record, with the run that produced its outcome if reads are recorded."""
        found = reuse.provenance(self.config, nodeid)
        check = _check(nodeid, properties, outcomes)
        if found is None:
            return check
        reused = nodeid in getattr(
            self.config.pluginmanager.get_plugin("claims-reuse"), "reused", {}
        )
        return dataclasses.replace(check, ran=found.ran, inputs=found.digest, reused=reused)


def _check(nodeid: str, properties: list[tuple[str, object]], outcomes: set[str]) -> record.Check:
    props = dict(properties)
    outcome = next((o for o in ("failed", "skipped", "passed") if o in outcomes), "not run")
    labels = tuple(str(v) for k, v in properties if k == "verifies")
    notebook, cell_id = props.get("notebook"), props.get("cell_id")
    return record.Check(
        nodeid,
        labels,
        outcome,
        tuple(str(c) for c in props.get("calls", ())),  # type: ignore[attr-defined]
        None if notebook is None else str(notebook),
        None if cell_id is None else str(cell_id),
    )
