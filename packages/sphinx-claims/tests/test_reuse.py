"""Reuse: a check's inputs are what it read, and only a check one of whose inputs changed re-runs.

Each test runs pytest sessions in a folder of its own (``pytester``) with ``claims_reuse_dir`` set,
then reads the record the session stored (``reuse/*.json``) or what the next session re-ran.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nbformat
import numpy  # noqa: F401  (once for all: pytester's in-process runs would import it anew)
import pytest

from sphinx_claims import reads

INI = """[pytest]
claims_reuse_dir = reuse
claims_report_dir = reports
claims_environment =
    env.txt
"""


def _record(pytester: pytest.Pytester) -> dict[str, Any]:
    """Every check's record, from the session files of the reuse folder."""
    checks: dict[str, Any] = {}
    for path in sorted((pytester.path / "reuse").glob("*.json")):
        checks |= json.loads(path.read_text())["checks"]
    return checks


def _inputs(pytester: pytest.Pytester, test: str) -> set[str]:
    (nodeid,) = [k for k in _record(pytester) if k.endswith(f"::{test}")]
    return set(_record(pytester)[nodeid]["inputs"])


def _run(pytester: pytest.Pytester, *args: str, **env: str) -> pytest.RunResult:
    """A session in this process (in a subprocess for xdist and notebooks: they start others)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CI", raising=False)
        mp.delenv("CLAIMS_FRESH", raising=False)
        for key, value in env.items():
            mp.setenv(key, value)
        # pytest's temporary folders outside the project: a test's tmp_path is no input
        basetemp = f"--basetemp={pytester.path.parent / (pytester.path.name + '-tmp')}"
        subprocess = "-n" in args or any(a.startswith("--nbval") for a in args)
        run = pytester.runpytest_subprocess if subprocess else pytester.runpytest_inprocess
        return run("-p", "no:cacheprovider", basetemp, *args)


READS = """
import numpy as np
import pytest

import helper


def test_opens():
    with open("data/opened.txt") as f:
        assert f.read() == "1\\n"


def test_loadtxt():
    assert np.loadtxt("data/table.csv", delimiter=",").shape == (2, 2)


def test_imports():
    assert helper.VALUE == 3


def test_reads_nothing():
    assert True


def test_writes(tmp_path):
    with open("data/written.txt", "w") as f:
        f.write("an output, not an input")
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    (pytester.path / "env.txt").write_text("one environment\n")
    (pytester.path / "data").mkdir()
    (pytester.path / "data" / "opened.txt").write_text("1\n")
    (pytester.path / "data" / "table.csv").write_text("1,2\n3,4\n")
    pytester.makepyfile(helper="VALUE = 3\n", test_reads=READS)
    return pytester


def test_a_check_reads_through_open_loadtxt_and_import(project: pytest.Pytester) -> None:
    _run(project).assert_outcomes(passed=5)
    assert "data/opened.txt" in _inputs(project, "test_opens")
    assert "data/table.csv" in _inputs(project, "test_loadtxt")
    assert "data/table.csv" not in _inputs(project, "test_opens")
    # An import serves every later check of the process: it counts for the whole session.
    assert {"helper.py", "test_reads.py"} <= _inputs(project, "test_reads_nothing")
    assert "data/written.txt" not in _inputs(project, "test_writes")  # written: an output


def test_only_the_check_that_read_a_changed_file_re_runs(project: pytest.Pytester) -> None:
    _run(project).assert_outcomes(passed=5)
    again = _run(project)
    again.assert_outcomes()  # every check reused
    assert again.ret == pytest.ExitCode.OK
    again.stdout.fnmatch_lines(["claims: re-ran 0 checks, reused 5*"])
    (project.path / "data" / "table.csv").write_text("1,2\n3,5\n")
    third = _run(project)
    third.assert_outcomes(passed=1)
    third.stdout.fnmatch_lines(["claims: re-ran 1 checks, reused 4*", "*changed: data/table.csv*"])


def test_a_planted_wrong_value_makes_the_check_that_read_it_fail(project: pytest.Pytester) -> None:
    _run(project).assert_outcomes(passed=5)
    (project.path / "data" / "opened.txt").write_text("2\n")  # the planted wrong digit
    _run(project).assert_outcomes(failed=1)
    (project.path / "data" / "opened.txt").write_text("1\n")
    # A failure is never reused: the check runs again, and passes on the restored file.
    _run(project).assert_outcomes(passed=1)


def test_comparing_digests_reads_nothing_for_a_check(project: pytest.Pytester) -> None:
    # The next session reads every recorded input to compare its digest: that is no check's read
    # (else every input of every check would become every check's input).
    _run(project).assert_outcomes(passed=5)
    (project.path / "data" / "opened.txt").write_text("1\n")  # same bytes: reused
    _run(project).assert_outcomes()
    project.makepyfile(test_new="def test_new():\n    pass\n")
    _run(project).assert_outcomes(passed=1)  # the new test alone
    assert "data/opened.txt" not in _inputs(project, "test_new")
    assert "data/table.csv" not in _inputs(project, "test_new")


def test_an_import_changed_re_runs_the_session(project: pytest.Pytester) -> None:
    _run(project).assert_outcomes(passed=5)
    (project.path / "helper.py").write_text("VALUE = 4\n")
    _run(project).assert_outcomes(passed=4, failed=1)


def test_sources_stay_inputs_when_their_bytecode_is_cached(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Most machines write .pyc files (PYTHONDONTWRITEBYTECODE unset). Writing a module's cache
    # is no output of the check, and the next session opens the cache, not the source: for a test
    # module, pytest's own (``test_reads.cpython-311-pytest-9.2.0.pyc``).
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    _run(project).assert_outcomes(passed=5)
    assert list((project.path / "__pycache__").glob("helper.*.pyc"))
    assert list((project.path / "__pycache__").glob("test_reads.*-pytest-*.pyc"))
    assert {"helper.py", "test_reads.py"} <= _inputs(project, "test_reads_nothing")
    _run(project, CLAIMS_FRESH="1").assert_outcomes(passed=5)  # from the cached bytecode
    assert {"helper.py", "test_reads.py"} <= _inputs(project, "test_reads_nothing")
    (project.path / "helper.py").write_text("VALUE = 40\n")  # a new size: no stale cache
    _run(project).assert_outcomes(passed=4, failed=1)


def test_fresh_ci_and_the_environment_run_everything(project: pytest.Pytester) -> None:
    _run(project).assert_outcomes(passed=5)
    _run(project, CLAIMS_FRESH="1").assert_outcomes(passed=5)
    ci = _run(project, CI="true")
    ci.assert_outcomes(passed=5)
    ci.stdout.fnmatch_lines(["*5 re-ran, CI=true: every check runs*"])
    (project.path / "env.txt").write_text("another environment\n")
    changed = _run(project)
    changed.assert_outcomes(passed=5)
    changed.stdout.fnmatch_lines(["*the environment changed*"])


def test_a_reused_outcome_keeps_its_run_in_the_claims_report(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_claim="import pytest\n\n@pytest.mark.verifies('lem-a')\ndef test_a(): pass\n"
    )
    _run(project).assert_outcomes(passed=6)
    first = json.loads((project.path / "reports" / "unit.json").read_text())["checks"][0]
    _run(project).assert_outcomes()
    second = json.loads((project.path / "reports" / "unit.json").read_text())["checks"][0]
    assert (first["outcome"], first["reused"], second["reused"]) == ("passed", False, True)
    assert second["ran"] == first["ran"]
    assert second["inputs"] == first["inputs"]
    assert len(first["inputs"]) == 64  # a SHA-256


CACHED = """
from pathlib import Path

import pytest
from sphinx_claims import reads


@reads.cache
def data(name):
    return Path(name).read_text()


@pytest.fixture(scope="session")
def shared():
    return Path("data/fixture.txt").read_text()


def test_fills_the_cache():
    assert data("data/cached.txt") == "c"


def test_served_by_the_cache():
    assert data("data/cached.txt") == "c"


def test_uses_the_fixture_first(shared):
    assert shared == "f"


def test_uses_the_fixture_again(shared):
    assert shared == "f"
"""


def test_a_cache_and_a_fixture_count_for_every_check_they_serve(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(INI)
    (pytester.path / "data").mkdir()
    (pytester.path / "data" / "cached.txt").write_text("c")
    (pytester.path / "data" / "fixture.txt").write_text("f")
    pytester.makepyfile(test_cached=CACHED)
    _run(pytester).assert_outcomes(passed=4)
    for test in ("test_fills_the_cache", "test_served_by_the_cache"):
        assert "data/cached.txt" in _inputs(pytester, test), test
    for test in ("test_uses_the_fixture_first", "test_uses_the_fixture_again"):
        assert "data/fixture.txt" in _inputs(pytester, test), test
    assert "data/fixture.txt" not in _inputs(pytester, "test_fills_the_cache")
    (pytester.path / "data" / "cached.txt").write_text("changed")
    _run(pytester).assert_outcomes(failed=2)  # both checks the cache served


AHEAD = """
from pathlib import Path

from sphinx_claims import reads

filled = {}


def fill(name):
    if not filled:  # the first call reads every entry ahead, each apart
        for each in ("data/a.txt", "data/b.txt"):
            with reads.recording(aside=True) as seen:
                filled[each] = Path(each).read_text(), seen
    text, seen = filled[name]
    reads.replay(seen)
    return text


def test_a():
    assert fill("data/a.txt") == "a"


def test_b():
    assert fill("data/b.txt") == "b"
"""


def test_work_done_ahead_aside_counts_only_for_the_checks_it_serves(
    pytester: pytest.Pytester,
) -> None:
    # As the browser tests' page visits: the first check to ask visits every page, and each
    # page's reads count for the checks of that page only, the first check's included.
    pytester.makeini(INI)
    (pytester.path / "data").mkdir()
    (pytester.path / "data" / "a.txt").write_text("a")
    (pytester.path / "data" / "b.txt").write_text("b")
    pytester.makepyfile(test_ahead=AHEAD)
    _run(pytester).assert_outcomes(passed=2)
    assert {"data/a.txt", "data/b.txt"} & _inputs(pytester, "test_a") == {"data/a.txt"}
    assert {"data/a.txt", "data/b.txt"} & _inputs(pytester, "test_b") == {"data/b.txt"}
    (pytester.path / "data" / "b.txt").write_text("changed")
    _run(pytester).assert_outcomes(failed=1)  # test_b alone: test_a is reused


VIEW = """
from pathlib import Path

from sphinx_claims import reads


@reads.view
def title(path):
    return path.read_text().splitlines()[0]


def test_reads_the_title():
    assert title("data/page.txt") == "title"


def test_reads_the_page():
    assert Path("data/page.txt").read_text().startswith("title")
"""


def test_a_check_that_reads_a_view_re_runs_only_when_the_view_changes(
    pytester: pytest.Pytester,
) -> None:
    # As a chapter's tests that need only the status page's totals or anchors, not its run times.
    pytester.makeini(INI)
    (pytester.path / "data").mkdir()
    page = pytester.path / "data" / "page.txt"
    page.write_text("title\nrun at 10:00\n")
    pytester.makepyfile(test_view=VIEW)
    _run(pytester).assert_outcomes(passed=2)
    assert {"data/page.txt#test_view.title"} <= _inputs(pytester, "test_reads_the_title")
    assert "data/page.txt" not in _inputs(pytester, "test_reads_the_title")
    assert "data/page.txt" in _inputs(pytester, "test_reads_the_page")
    page.write_text("title\nrun at 11:00\n")  # not in the view: the check that read it re-runs
    again = _run(pytester)
    again.assert_outcomes(passed=1)
    again.stdout.fnmatch_lines(["*1 re-ran, changed: data/page.txt: *test_reads_the_page"])
    page.write_text("retitled\nrun at 11:00\n")  # in the view: both re-run, and fail
    _run(pytester).assert_outcomes(failed=2)


def test_a_views_digest_is_of_its_result_as_json(tmp_path: Path) -> None:
    @reads.view
    def words(path: Path) -> set[str]:
        return set(path.read_text().split())

    name = f"{words.__module__}.{words.__qualname__}"
    (tmp_path / "a.txt").write_text("b a b")
    (tmp_path / "b.txt").write_text("a b")
    assert words(tmp_path / "a.txt") == {"a", "b"}
    digest = reads.digest_of(tmp_path, f"a.txt#{name}")
    assert digest == reads.digest_of(tmp_path, f"b.txt#{name}")  # same result, same digest
    assert len(digest) == 64
    assert digest != reads.digest_of(tmp_path, "a.txt")
    (tmp_path / "a.txt").write_text("c")  # a result is kept for the same bytes only
    assert reads.digest_of(tmp_path, f"a.txt#{name}") != digest
    assert reads.digest_of(tmp_path, f"gone.txt#{name}") == "missing"
    assert reads.digest_of(tmp_path, "a.txt#nowhere.defined") == "unknown view"

    @reads.view
    def opaque(path: Path) -> object:
        return object()

    with pytest.raises(TypeError, match="JSON data or a set, not object"):
        reads.digest_of(tmp_path, f"a.txt#{opaque.__module__}.{opaque.__qualname__}")


def test_a_cache_filled_while_recording_is_paused_hides_no_later_read(tmp_path: Path) -> None:
    # A view reads its file with recording paused; a cache it fills must not then serve a check
    # that reads the whole file as if it had read nothing.
    (tmp_path / "f.txt").write_text("x")

    @reads.cache
    def text(path: Path) -> str:
        return path.read_text()

    record = reads.start(tmp_path)
    try:
        with record.bucket() as first, record.paused():
            assert text(tmp_path / "f.txt") == "x"
            reads.declare(tmp_path / "f.txt")
        with record.bucket() as second:
            assert text(tmp_path / "f.txt") == "x"
        with record.bucket() as third, record.paused():
            assert text(tmp_path / "f.txt") == "x"  # served from the cache: replays nothing
    finally:
        reads.stop()
    assert (first, second, third) == (set(), {"f.txt"}, set())


def test_under_xdist_the_workers_records_reach_the_controller(project: pytest.Pytester) -> None:
    _run(project, "-n", "2").assert_outcomes(passed=5)
    assert "data/table.csv" in _inputs(project, "test_loadtxt")
    again = _run(project, "-n", "2")
    again.stdout.fnmatch_lines(["claims: re-ran 0 checks, reused 5*"])
    assert again.ret == pytest.ExitCode.OK


def test_loadfile_starts_workers_only_for_checks_in_two_files(pytester: pytest.Pytester) -> None:
    # --dist loadfile gives a file's checks to one worker: when the checks to run are in one
    # file (a chapter edited), the session runs them itself, without starting the workers.
    pytester.makeini(INI)
    (pytester.path / "env.txt").write_text("one environment\n")
    for name in ("a", "b"):
        (pytester.path / f"{name}.txt").write_text("1")
        test = f"def test_{name}():\n    assert open('{name}.txt').read()[0] == '1'\n"
        pytester.makepyfile(**{f"test_{name}": test})

    def run() -> pytest.RunResult:  # the same arguments each time (runpytest_subprocess's differ)
        with pytest.MonkeyPatch.context() as mp:
            mp.delenv("CI", raising=False)
            mp.delenv("CLAIMS_FRESH", raising=False)
            basetemp = f"--basetemp={pytester.path.parent / (pytester.path.name + '-tmp')}"
            return pytester.run(
                sys.executable, "-m", "pytest", "-p", "no:cacheprovider", basetemp,
                "-n", "2", "--dist", "loadfile",
            )  # fmt: skip

    started = "created: 2/2 workers"
    run().stdout.fnmatch_lines([started])
    (pytester.path / "a.txt").write_text("1, changed")
    one = run()
    one.assert_outcomes(passed=1)
    assert started not in one.stdout.str()
    (pytester.path / "a.txt").write_text("1, changed again")
    (pytester.path / "b.txt").write_text("1, changed")
    two = run()
    two.assert_outcomes(passed=2)
    two.stdout.fnmatch_lines([started])


def test_a_subprocess_reads_count_for_the_check_that_ran_it(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    (pytester.path / "data.txt").write_text("x")
    pytester.makepyfile(
        test_sub="""
        import subprocess, sys

        def test_child():
            code = "print(open('data.txt').read())"
            assert subprocess.run([sys.executable, "-c", code], capture_output=True).stdout
        """
    )
    _run(pytester).assert_outcomes(passed=1)
    assert "data.txt" in _inputs(pytester, "test_child")


def _notebook(path: Path, *sources: str) -> None:
    nb = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]  # type: ignore[no-untyped-call]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["kernelspec"] = kernel
    nbformat.write(nb, path)  # type: ignore[no-untyped-call]


def test_a_kernel_reads_count_for_its_notebook(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    (pytester.path / "kernel_data.txt").write_text("k")
    (pytester.path / "kernel_module.py").write_text("WORD = 'm'\n")
    _notebook(
        pytester.path / "chapter.ipynb",
        "import kernel_module",
        "assert open('kernel_data.txt').read() == 'k'",
        "assert kernel_module.WORD == 'm'",
    )
    _run(pytester, "--nbval-lax", "chapter.ipynb").assert_outcomes(passed=3)
    record = _record(pytester)
    read = set().union(*(set(r["inputs"]) for r in record.values()))
    assert {"kernel_data.txt", "kernel_module.py", "chapter.ipynb"} <= read
    _run(pytester, "--nbval-lax", "chapter.ipynb").assert_outcomes()
    (pytester.path / "kernel_module.py").write_text("WORD = 'changed'\n")
    # The cells share one kernel: the notebook runs whole, and its last cell fails.
    _run(pytester, "--nbval-lax", "chapter.ipynb").assert_outcomes(passed=2, failed=1)


def test_a_notebook_edited_re_runs_that_notebook_alone(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    _notebook(pytester.path / "one.ipynb", "assert 1 + 1 == 2")
    _notebook(pytester.path / "two.ipynb", "assert 2 + 2 == 4")
    _run(pytester, "--nbval-lax", "one.ipynb", "two.ipynb").assert_outcomes(passed=2)
    # Collecting a notebook reads it: that read is its own cells' input, not the other's.
    _notebook(pytester.path / "two.ipynb", "assert 2 + 2 == 4", "assert 3 + 3 == 6")
    again = _run(pytester, "--nbval-lax", "one.ipynb", "two.ipynb")
    again.assert_outcomes(passed=2)
    again.stdout.fnmatch_lines(["claims: re-ran 2 checks, reused 1*", "*changed: two.ipynb*"])


def test_reads_inside_the_root_only_and_a_pyc_counts_as_its_source(tmp_path: Path) -> None:
    r = reads.Reads(tmp_path, ignore=[".venv"])
    assert r.relative(tmp_path / "a" / "b.txt") == "a/b.txt"
    assert r.relative(tmp_path.parent / "outside.txt") is None
    assert r.relative(tmp_path / ".venv" / "lib.py") is None
    assert r.relative(tmp_path / "pkg" / "__pycache__" / "m.cpython-311.pyc") == "pkg/m.py"
    assert r.relative(3) is None  # a file descriptor
    assert r.relative("<stdin>") is None
    r.saw("open", (str(tmp_path / "in.txt"), "r", 0))
    r.saw("open", (str(tmp_path / "out.txt"), "w", 0))
    r.saw("os.listdir", (str(tmp_path / "folder"),))
    assert (r.common, r.written) == ({"in.txt", "folder/"}, {"out.txt"})


def test_digests_of_files_folders_and_what_is_gone(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x")
    (tmp_path / "d").mkdir()
    before = reads.digest_of(tmp_path, "d/")
    (tmp_path / "d" / "new.txt").write_text("")
    assert reads.digest_of(tmp_path, "d/") != before  # a file added to a listed folder
    assert reads.digest_of(tmp_path, "gone.txt") == "missing"
    assert len(reads.digest_of(tmp_path, "f.txt")) == 64


def test_collect_waits_for_a_line_still_being_written(tmp_path: Path) -> None:
    (tmp_path / "1.reads").write_text("a.txt\nb.t")
    seen: dict[str, int] = {}
    assert reads.collect(tmp_path, seen) == {"a.txt"}
    with (tmp_path / "1.reads").open("a") as f:
        f.write("xt\n")
    assert reads.collect(tmp_path, seen) == {"b.txt"}
