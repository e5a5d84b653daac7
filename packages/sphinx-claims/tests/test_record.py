"""The record: what a test run writes, what a build reads back, and what a check's code calls."""

from __future__ import annotations

from pathlib import Path

from sphinx_claims import record


def test_the_record_round_trips_and_ignores_other_schemas(tmp_path: Path) -> None:
    checks = [
        record.Check("t.py::test", ("lem-a",), "passed", ("assert_identity",)),
        record.Check("b/c.ipynb::Cell 1", ("eq-x", "lem-b"), "failed", (), "b/c.ipynb", "id1"),
    ]
    folder = tmp_path / "reports"
    record.write(folder, tmp_path, "all", ("*.py",), checks)
    (fresh,), ignored = record.read(folder, tmp_path)
    assert (fresh.session, fresh.checks, fresh.patterns, fresh.schema, ignored) == (
        "all",
        tuple(checks),
        ("*.py",),
        record.SCHEMA_VERSION,
        0,
    )
    path = folder / "all.json"
    path.write_text(path.read_text().replace(f'"schema": {record.SCHEMA_VERSION}', '"schema": 1'))
    (folder / "unit.json").write_text('{"cut short')
    assert record.read(folder, tmp_path) == ([], 2)


def test_a_report_vouches_only_for_the_files_it_ran_on(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text("x = 1\n")
    (tmp_path / "notes.txt").write_text("anything\n")
    check = record.Check("t.py::test", ("lem-a",), "passed", ())
    record.write(tmp_path / "reports", tmp_path, "unit", ("*.py",), [check])
    (tmp_path / "notes.txt").write_text("changed, but not a file the run vouches for\n")
    assert len(record.read(tmp_path / "reports", tmp_path)[0]) == 1
    (tmp_path / "model.py").write_text("x = 2\n")
    assert record.read(tmp_path / "reports", tmp_path) == ([], 1)


def test_a_check_calls_what_its_syntax_tree_calls_by_any_name() -> None:
    assert record.calls("print(symbolic.assert_rank(M, 2, 'rank'))") == ("assert_rank", "print")
    notebook = ["%matplotlib inline", "prove = symbolic.assert_identity", "not Python ("]
    assert record.calls("prove(a, b, 'x')", notebook) == ("assert_identity",)
    assert record.calls("prove = symbolic.assert_rank\nprove(M, 2, 'x')") == ("assert_rank",)
    assert record.calls("np.testing.assert_allclose(a, b)") == ("assert_allclose",)
    assert record.calls("prove(a, b)", ["prove = print"]) == ("print",)
    # mentioned in a comment, a string or a name: not called
    assert record.calls("symbolic.assert_identity  # assert_identity(a, b)") == ()
    assert record.calls("'assert_rank(M, 2)'") == ()
    # a unit test: its body, not its decorators
    test = "@pytest.mark.verifies('x')\ndef test_x():\n    assert_rank(M, 2)\n"
    assert record.calls(test) == ("assert_rank",)


def test_ipython_magics_do_not_hide_the_calls_of_a_cell() -> None:
    assert record.calls("%matplotlib inline\nsymbolic.assert_identity(a, b, 'x')") == (
        "assert_identity",
    )
    assert record.calls("this is not Python (") == ()


def test_labels_come_from_the_tags_with_the_prefix() -> None:
    tags = ["verifies:lem-a", "remove-input", "verifies:eq-x", "checks:thm-c"]
    assert record.labels_in_tags(tags, "verifies:") == ("lem-a", "eq-x")
    assert record.labels_in_tags(tags, "checks:") == ("thm-c",)
    assert record.labels_in_tags(None, "verifies:") == ()
