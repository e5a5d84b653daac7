"""The recorder: a pytest session writes the outcome and the calls of every check it ran.

Each test runs pytest in a folder of its own (``pytester``), where the plugin is found through its
entry point (``pytest11``), as in any project that installs the package.
"""

from __future__ import annotations

import pytest

from sphinx_claims import record

INI = """[pytest]
claims_report_dir = reports
claims_sources =
    conftest.py
    unit: test_*.py
    notebooks: *.ipynb
"""

TESTS = """
import pytest


class symbolic:
    @staticmethod
    def assert_identity(lhs, rhs, what):
        assert lhs == rhs, what


prove = symbolic.assert_identity


@pytest.mark.verifies("lem-a", "eq-x")
def test_passes():
    prove(1, 1, "one")


@pytest.mark.verifies("lem-b")
def test_fails():
    assert False  # assert_identity( in a comment makes nothing exact


def test_names_no_claim():
    symbolic.assert_identity(1, 1, "one")
"""


def _reports(pytester: pytest.Pytester) -> list[record.Report]:
    reports, ignored = record.read(pytester.path / "reports", pytester.path)
    assert ignored == 0
    return reports


def test_the_recorder_writes_outcomes_and_what_each_check_calls(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_claims=TESTS)
    pytester.makeini(INI)
    pytester.runpytest().assert_outcomes(passed=2, failed=1)
    (report,) = _reports(pytester)
    assert report.session == "unit"
    assert report.patterns == ("conftest.py", "test_*.py")
    assert {(c.labels, c.outcome, c.calls) for c in report.checks} == {
        (("lem-a", "eq-x"), "passed", ("assert_identity",)),  # prove is assert_identity
        (("lem-b",), "failed", ()),
    }


def test_without_a_report_folder_the_recorder_is_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_claims="import pytest\n\n@pytest.mark.verifies('a')\ndef test_a(): pass\n"
    )
    pytester.runpytest("--strict-markers").assert_outcomes(passed=1)  # the marker is known
    pytester.makeini(INI)
    pytester.runpytest("-p", "no:claims", "-p", "no:cacheprovider")
    assert not (pytester.path / "reports").exists()


def test_the_recorder_records_every_check_under_xdist(pytester: pytest.Pytester) -> None:
    # The book runs its tests on two workers (pytest-xdist): the controller, which collects
    # nothing itself, writes the report from the reports its workers send, in collection order.
    pytester.makepyfile(
        test_claims="""
        import pytest

        @pytest.mark.verifies("lem-a", "eq-x")
        def test_passes():
            assert True

        @pytest.mark.verifies("lem-b")
        def test_fails():
            assert False

        @pytest.mark.verifies("lem-c")
        def test_skips():
            pytest.skip("not here")

        @pytest.mark.verifies("lem-d")
        @pytest.mark.parametrize("n", range(6))
        def test_many(n):
            assert n < 5
        """
    )
    pytester.makeini(INI)
    result = pytester.runpytest_subprocess("-n", "2")
    result.assert_outcomes(passed=6, failed=2, skipped=1)
    (report,) = _reports(pytester)
    assert [(c.id.partition("::")[2], c.outcome) for c in report.checks] == [
        ("test_passes", "passed"),
        ("test_fails", "failed"),
        ("test_skips", "skipped"),
        *[(f"test_many[{n}]", "passed" if n < 5 else "failed") for n in range(6)],
    ]
