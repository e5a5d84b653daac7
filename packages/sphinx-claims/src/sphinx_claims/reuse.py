"""Reuse a check's outcome while nothing it read has changed: the pytest side of :mod:`.reads`.

On when the ini option ``claims_reuse_dir`` names a folder. While a session runs, each check's
reads are sorted out (:mod:`.reads`): its own, those of the fixtures it uses (read once, when the
fixture was set up, for every check that uses it), those of its Jupyter kernel, and the session's
(collection, and every Python source imported). At the end the session stores, per check, its
outcome, the time, the digest of the environment (:func:`environment`) and of each file it read.

The next session re-runs a check if it has no record, its record is a failure, the environment
differs, or a file it read has another digest now (or is gone); otherwise it reuses the recorded
outcome: pytest deselects the check, and the claims' report keeps the time and the input digest
of the run that produced the outcome. The cells of one notebook share a kernel, so they are
reused together or run together. The session prints how many checks it re-ran and reused, and
why each group re-ran (its first changed input).

``CLAIMS_FRESH=1`` (``make test FRESH=1``) or ``CI=true`` ignores every record: everything runs,
and the record is written anew. Deleting the folder (``make clean``) forgets them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import glob
import hashlib
import itertools
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import pytest

from sphinx_claims import reads
from sphinx_claims.record import machine_summary

SCHEMA = 1
#: Folders whose reads never count: the environment (the lock file stands for it), the caches
#: of tools, version control.
IGNORED = (".venv", ".git", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache")


#: Options that cannot change an outcome: where and how pytest reports, runs in parallel, keeps
#: its temporary files (pytester gives each run a new --basetemp), loads a plugin.
NO_EFFECT = (
    "--basetemp", "--rootdir", "--junitxml", "--cov", "--color", "--tb", "--durations", "-q",
    "-v", "-r", "-n", "--numprocesses", "--dist", "-p", "-x", "--maxfail",
)  # fmt: skip


def environment(root: Path, entries: Iterable[str], options: Iterable[str] = ()) -> str:
    """Digest of what, besides the files a check reads, can change its outcome: the machine
    (CPU, BLAS library, kernel and threads, NumPy and its SIMD, Python: ``machine_summary``), the
    platform, the session's ``options`` (``--nbval``, not the paths it runs), and each entry of
    ``claims_environment``: a glob pattern of files (the lock file), ``$ command`` whose output
    names a program's version (``missing`` if it cannot run), or ``env:NAME``, a variable."""
    h = hashlib.sha256(f"{machine_summary()}\n{platform.platform()}\n".encode())
    h.update(json.dumps(sorted(options)).encode())
    for entry in entries:
        if entry.startswith("env:"):
            h.update(f"{entry}={os.environ.get(entry[4:])!r}\0".encode())
        elif entry.startswith("$"):
            try:
                command = shlex.split(entry[1:])
                done = subprocess.run(command, capture_output=True, timeout=60, check=False)
                out = done.stdout + done.stderr
            except (OSError, subprocess.TimeoutExpired):
                out = b"missing"
            h.update(entry.encode() + b"\0" + out + b"\0")
        else:
            for name in sorted(glob.glob(entry, root_dir=root, recursive=True)):
                h.update(name.encode() + b"\0" + reads.digest_of(root, name).encode() + b"\0")
    return h.hexdigest()


@dataclasses.dataclass
class Entry:
    """One check's record: its outcome, when and where it ran, and what it read (with digests)."""

    outcome: str  # "passed", "failed" or "skipped"
    ran: str  # the run's time, UTC
    environment: str
    inputs: dict[str, str]  # path relative to the root -> its digest when the run ended
    properties: list[tuple[str, object]]  # the check's user_properties (its claims)

    @property
    def digest(self) -> str:
        """One digest of the environment and the inputs: what the badge shows."""
        text = json.dumps([self.environment, sorted(self.inputs.items())])
        return hashlib.sha256(text.encode()).hexdigest()


def group(item: pytest.Item) -> str:
    """The checks that run or are reused together: a notebook's cells (one kernel), else one."""
    return item.path.as_posix() if hasattr(item, "cell") else item.nodeid


class Reuse:
    """The plugin: records the reads of this session's checks, and reuses unchanged outcomes."""

    def __init__(self, config: pytest.Config) -> None:
        self.config, self.root = config, config.rootpath
        self.folder = self.root / str(config.getini("claims_reuse_dir"))
        fresh = os.environ.get("CLAIMS_FRESH", "") not in ("", "0")
        self.fresh = "FRESH=1" if fresh else "CI=true" if os.environ.get("CI") == "true" else ""
        ignore = [*IGNORED, *[str(x) for x in config.getini("claims_reuse_ignore")]]
        if self.folder.resolve().is_relative_to(self.root):
            ignore.append(self.folder.resolve().relative_to(self.root).as_posix())
        log = sys.modules.get("_claims_reads")  # a subprocess of a recorded session (kernel/)
        if log is not None:
            setattr(log, "current", None)  # noqa: B010  (this session records for itself)
        self.reads = reads.start(self.root, ignore)
        for module in list(sys.modules.values()):  # imported before the hook: this package...
            rel = self.reads.relative(getattr(module, "__file__", None))
            if rel is not None:
                self.reads.common.add(rel)
        # This process's subprocesses (kernels) log their reads in a folder outside the root.
        self.log = Path(tempfile.mkdtemp(prefix="claims-reads-"))
        self.seen: dict[str, int] = {}
        paths = [str(reads.KERNEL), *filter(None, os.environ.get("PYTHONPATH", "").split(":"))]
        self.environ = {k: os.environ.get(k) for k in (reads.LOG, reads.ROOT, reads.IGNORE)}
        self.environ["PYTHONPATH"] = os.environ.get("PYTHONPATH")
        os.environ |= {
            reads.LOG: str(self.log),
            reads.ROOT: str(self.root),
            reads.IGNORE: os.pathsep.join(ignore),
            "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths)),
        }
        self.now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        self.views = self.folder / "views.digests"  # reads.view_digests, kept between sessions
        with contextlib.suppress(OSError, ValueError):
            reads.view_digests.update(json.loads(self.views.read_text()))
        self.fixtures: dict[tuple[str, str], set[str]] = {}
        self.collected: dict[str, set[str]] = {}  # a file's node id -> what collecting it read
        self.inputs: dict[str, set[str]] = {}  # node id -> its own and its fixtures' reads
        self.outcomes: dict[str, str] = {}
        self.reused: dict[str, Entry] = {}
        self.why: dict[str, str] = {}  # group -> why it ran
        self.properties: dict[str, list[tuple[str, object]]] = {}
        self.entries: dict[str, Entry] = {}  # this session's runs, once it ended
        self._environment: str | None = None
        self._digests: dict[str, str] = {}
        self._stored: dict[str, Entry] | None = None

    def pytest_unconfigure(self) -> None:
        """Give back what the session changed: the record, and its subprocesses' environment."""
        reads.stop()
        for key, value in self.environ.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    @property
    def environment(self) -> str:
        if self._environment is None:
            entries = [str(x) for x in self.config.getini("claims_environment")]
            args = list(self.config.invocation_params.args)
            options = [a for a in args if a.startswith("-") and not a.startswith(NO_EFFECT)]
            options += [v for o, v in itertools.pairwise(args) if o == "-o"]
            with self.reads.paused():
                self._environment = environment(self.root, entries, options)
        return self._environment

    def digest(self, rel: str) -> str:
        if rel not in self._digests:
            with self.reads.paused():  # comparing a digest is no check's read
                self._digests[rel] = reads.digest_of(self.root, rel)
        return self._digests[rel]

    def stored(self) -> dict[str, Entry]:
        """The newest record of each check, from every session's file in the folder (read once:
        this session writes its own when it ends)."""
        if self._stored is not None:
            return self._stored
        found: dict[str, Entry] = {}
        for path in sorted(self.folder.glob("*.json")):
            try:
                data = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            if data.get("schema") != SCHEMA:
                continue
            for nodeid, entry in data["checks"].items():
                if nodeid not in found or found[nodeid].ran < entry["ran"]:
                    found[nodeid] = Entry(**entry)
        self._stored = found
        return found

    def to_run(self) -> set[str] | None:
        """The files of the checks that this invocation ran last time and that must run again
        (none: every one can be reused), or None without a record of it. What collection read is
        among every check's inputs, so the same checks would be collected."""
        path = self.folder / f"{self.name}.json"
        try:
            checks = json.loads(path.read_text())["checks"]
        except (OSError, ValueError, KeyError):
            return None
        stored = self.stored()
        if not checks:
            return None
        return {
            nodeid.partition("::")[0]
            for nodeid in checks
            if nodeid not in stored or self.reason_for(stored[nodeid]) is not None
        }

    @pytest.hookimpl(tryfirst=True)  # before pytest-xdist's, which starts the workers
    def pytest_cmdline_main(self, config: pytest.Config) -> None:
        # Workers are started only for work to share. Every check will be reused: they would only
        # collect them twice over. Or those to run are in one file, which --dist loadfile gives to
        # a single worker (a chapter edited): starting the workers would only delay it.
        if not getattr(config.option, "numprocesses", None) or self.fresh:
            return
        files = self.to_run()
        one_file = files is not None and len(files) == 1 and config.option.dist == "loadfile"
        if files == set() or one_file:
            config.option.numprocesses, config.option.dist = 0, "no"

    @property
    def name(self) -> str:
        """The name of this invocation's record (its arguments' digest)."""
        args = " ".join(self.config.invocation_params.args)
        return hashlib.sha256(args.encode()).hexdigest()[:16]

    def reason_for(self, entry: Entry) -> str | None:
        """Why a check with this record must run, or None."""
        if entry.outcome not in ("passed", "skipped"):
            return f"{entry.outcome} last time"
        if entry.environment != self.environment:
            return "the environment changed (claims_environment, machine, Python, NumPy)"
        for rel, was in sorted(entry.inputs.items()):
            if self.digest(rel) != was:
                return f"changed: {rel}" if self.digest(rel) != "missing" else f"gone: {rel}"
        return None

    def reason(self, items: list[pytest.Item], stored: dict[str, Entry]) -> str | None:
        """Why the group must run (its first changed input), or None if it can be reused."""
        if self.fresh:
            return f"{self.fresh}: every check runs"
        for item in items:
            entry = stored.get(item.nodeid)
            why = "no record of a run" if entry is None else self.reason_for(entry)
            if why is not None:
                return why
        return None

    @pytest.hookimpl(trylast=True)  # after the recorder gave the checks their claims
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        stored, groups = self.stored(), dict[str, list[pytest.Item]]()
        for item in items:
            groups.setdefault(group(item), []).append(item)
        keep, drop = [], []
        for name, members in groups.items():
            why = self.reason(members, stored)
            if why is None:
                drop += members
                self.reused |= {item.nodeid: stored[item.nodeid] for item in members}
            else:
                keep += members
                self.why[name] = why
        if drop:
            kept = set(keep)
            items[:] = [item for item in items if item in kept]
            config.hook.pytest_deselected(items=drop)
            self.no_coverage_threshold()

    def no_coverage_threshold(self) -> None:
        """A run that reused checks measures only part of the code: pytest-cov's threshold is
        for a full run (``FRESH=1``, CI)."""
        cov = self.config.pluginmanager.get_plugin("_cov")
        if cov is not None and getattr(cov.options, "cov_fail_under", None):
            cov.options.cov_fail_under = None

    def _collect(self, into: set[str]) -> None:
        into |= reads.collect(self.log, self.seen)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(
        self, fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
    ) -> Generator[None, None, None]:
        if fixturedef.scope == "function":  # its reads are the check's own
            yield
            return
        with self.reads.bucket() as found:
            yield
            self._collect(found)
        key = (fixturedef.argname, request.node.nodeid)
        self.fixtures[key] = self.fixtures.get(key, set()) | found

    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, None, None]:
        # What collecting a file read (a notebook's JSON) is its own checks' input, not every
        # check's; a Python source stays the session's (Reads.add).
        if not isinstance(collector, pytest.File):
            yield
            return
        with self.reads.bucket() as found:
            yield
        self.collected[collector.nodeid] = found

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, None, None]:
        with self.reads.bucket() as found:
            yield
            self._collect(found)
        for nodeid, collected in self.collected.items():
            if item.nodeid.startswith(f"{nodeid}::"):
                found |= collected
        names = set(getattr(item, "fixturenames", ()))
        for (name, scope), fixture_reads in self.fixtures.items():
            if name in names and (not scope or item.nodeid.startswith((f"{scope}::", f"{scope}/"))):
                found |= fixture_reads
        self.inputs[item.nodeid] = found

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if hasattr(self.config, "workerinput") or not self.controller:
            self.properties[report.nodeid] = list(report.user_properties)
            was = self.outcomes.get(report.nodeid)
            if report.failed or was == "failed":
                self.outcomes[report.nodeid] = "failed"
            elif report.skipped or was == "skipped":
                self.outcomes[report.nodeid] = "skipped"
            elif report.when == "call" or was is None:
                self.outcomes[report.nodeid] = "passed"

    @property
    def controller(self) -> bool:
        """Whether this is pytest-xdist's controller: its workers run the checks."""
        return self.config.pluginmanager.has_plugin("dsession")

    def _entries(self) -> dict[str, Entry]:
        """The record of each check this session ran: the digests of its inputs as the session
        ends (under xdist, once every worker has: a file one wrote is another's input)."""
        entries = {}
        for nodeid, outcome in self.outcomes.items():
            found = (self.inputs.get(nodeid, set()) | self.reads.common) - self.reads.written
            inputs = {rel: self.digest(rel) for rel in sorted(found)}
            properties = self.properties.get(nodeid, [])
            entries[nodeid] = Entry(outcome, self.now, self.environment, inputs, properties)
        return entries

    @pytest.hookimpl(tryfirst=True)  # before the recorder asks for provenance()
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.reads.busy = True  # what the session reads from now on (digests) no check read
        shutil.rmtree(self.log, ignore_errors=True)
        if hasattr(self.config, "workerinput"):  # an xdist worker: tell the controller
            common = self.reads.common
            runs = {
                k: [outcome, sorted(self.inputs.get(k, set()) | common), self.properties.get(k)]
                for k, outcome in self.outcomes.items()
            }
            self.config.workeroutput["claims_reuse"] = {  # type: ignore[attr-defined]
                "runs": runs,
                "written": sorted(self.reads.written),
                "environment": self.environment if runs else None,
                "reused": {k: dataclasses.asdict(e) for k, e in self.reused.items()},
                "why": self.why,
            }
            return
        self.entries = self._entries()
        if self.reused and session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
            session.exitstatus = pytest.ExitCode.OK  # every check reused: nothing left to run
        everything = {k: dataclasses.asdict(e) for k, e in (self.reused | self.entries).items()}
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.name}.json"
        path.write_text(json.dumps({"schema": SCHEMA, "checks": everything}, indent=0))
        if reads.view_digests:  # sessions side by side: each merges, then replaces the file whole
            with contextlib.suppress(OSError, ValueError):
                reads.view_digests.update(json.loads(self.views.read_text()))
            part = self.views.with_name(f"{self.views.name}.{os.getpid()}")
            part.write_text(json.dumps(reads.view_digests))
            os.replace(part, self.views)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        out = getattr(node, "workeroutput", {}).get("claims_reuse")
        if out:
            for nodeid, (outcome, inputs, properties) in out["runs"].items():
                self.outcomes[nodeid], self.inputs[nodeid] = outcome, set(inputs)
                self.properties[nodeid] = [tuple(p) for p in properties or []]
            self.reads.written |= set(out["written"])
            self._environment = out["environment"] or self._environment
            self.reused |= {k: Entry(**e) for k, e in out["reused"].items()}
            self.why |= out["why"]
            if self.reused:
                self.no_coverage_threshold()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if hasattr(self.config, "workerinput"):
            return
        ran, reused = len(self.entries), len(self.reused)
        write = terminalreporter.write_line
        write(f"claims: re-ran {ran} checks, reused {reused} (unchanged inputs: {self.folder})")
        by_reason: dict[str, list[str]] = {}
        for name, why in sorted(self.why.items()):
            by_reason.setdefault(why, []).append(name)
        for why, names in by_reason.items():
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            write(f"  {len(names)} re-ran, {why}: {shown}")


def provenance(config: pytest.Config, nodeid: str) -> Entry | None:
    """The record of a check this session ran or reused, if the session records its reads."""
    plugin = config.pluginmanager.get_plugin("claims-reuse")
    if not isinstance(plugin, Reuse):
        return None
    return plugin.reused.get(nodeid) or plugin.entries.get(nodeid)
