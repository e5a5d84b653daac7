"""Tests of the portability run's configurations: skips with reasons, and the in-kernel check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from configurations import CONFIGURATIONS, EXPECT, LOG, cannot_run

HERE = Path(__file__).resolve().parent
BY_NAME = {c.name: c for c in CONFIGURATIONS}
AVX2 = {"AVX": True, "AVX2": True, "FMA3": True, "SSE42": True}
DEFAULT = {"architecture": "Haswell", "num_threads": 2, "X86_V4": False}


def test_every_configuration_named_by_the_issue_is_there() -> None:
    assert sorted(BY_NAME) == sorted(
        [
            "openblas-haswell",
            "openblas-skylakex",
            "openblas-sandybridge",
            "openblas-nehalem",
            "one-blas-thread",
            "numpy-without-avx512",
        ]
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("openblas-skylakex", "this CPU lacks AVX512F"),  # an AVX2 machine cannot run it
        ("numpy-without-avx512", "has no X86_V4; the setting changes nothing"),
        ("openblas-haswell", "this machine's default"),  # make test-notebooks runs it already
        ("openblas-nehalem", None),
        ("openblas-sandybridge", None),
        ("one-blas-thread", None),
    ],
)
def test_what_an_avx2_machine_runs(name: str, reason: str | None) -> None:
    said = cannot_run(BY_NAME[name], AVX2, DEFAULT)
    assert said is None if reason is None else reason in str(said)


def _kernel_check(env: dict[str, str], expect: dict[str, object], log: Path) -> int:
    code = "import configurations; configurations.kernel_check(); print('ran on')"
    full = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OPENBLAS_", "NPY_"))},
        **env,
        EXPECT: json.dumps(expect),
        LOG: str(log),
        "PYTHONPATH": str(HERE),
    }
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True).returncode


def test_a_setting_that_took_effect_passes_and_is_logged(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    assert _kernel_check({"OPENBLAS_NUM_THREADS": "1"}, {"num_threads": 1}, log) == 0
    assert json.loads(log.read_text())["num_threads"] == 1


def test_a_setting_that_did_not_take_effect_kills_the_kernel(tmp_path: Path) -> None:
    # OpenBLAS ignores a kernel name it does not know and runs the CPU's own: that must not pass
    log = tmp_path / "log.jsonl"
    rc = _kernel_check({"OPENBLAS_CORETYPE": "Bogus"}, {"architecture": "Bogus"}, log)
    assert rc == 70
    assert log.exists()
