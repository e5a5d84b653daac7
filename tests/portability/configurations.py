"""The numerical configurations of the portability run, and the check that each took effect.

A chapter's stored outputs must be properties of the mathematics, not of the rounding: the same
under every BLAS kernel and every NumPy SIMD setting. The portability run (``make
test-portability``, ``test_portability.py``) re-executes every chapter under nbval under each
configuration below. Each one changes how floating-point sums and products are rounded:

* OpenBLAS picks its kernels by CPU (``DYNAMIC_ARCH``); ``OPENBLAS_CORETYPE`` forces one. The
  kernels block and order the sums of ``@`` differently, so the last bits of every product move.
* One BLAS thread instead of several splits the work, and so the sums, differently.
* NumPy dispatches its own loops by CPU; under AVX-512, ``exp``, ``log1p``, ``expm1``, ``tanh``
  and ``arctan`` differ from the AVX2 loops in the last bit. ``NPY_DISABLE_CPU_FEATURES`` turns
  the AVX-512 loops off (NumPy 2.4's names; an unknown name is refused with a warning Python
  hides, and changes nothing, hence the check below).

A wrong value must not pass silently (OpenBLAS falls back to the CPU's own kernel on a name it
does not know): ``kernel_check`` runs inside every chapter's kernel, from an IPython start-up
file, compares what NumPy and OpenBLAS actually use with what the configuration asks for, and
kills the kernel if they differ.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field

#: The environment variable holding what the kernel must find (a JSON object), and the file to
#: which each kernel appends what it found (one JSON object per line).
EXPECT = "LINEARNET_PORTABILITY_EXPECT"
LOG = "LINEARNET_PORTABILITY_LOG"


@dataclass(frozen=True)
class Configuration:
    """One way of rounding: environment variables, what they must achieve, what they need."""

    name: str
    env: dict[str, str]
    #: What the kernel must find: keys of ``found()``, with their values.
    expect: dict[str, object]
    #: NumPy CPU features the machine must have, else the configuration cannot run here.
    needs: tuple[str, ...] = field(default=())
    #: NumPy CPU features without which the configuration changes nothing (it is then skipped).
    changes_only_with: tuple[str, ...] = field(default=())


def _kernel(name: str, needs: tuple[str, ...]) -> Configuration:
    return Configuration(
        f"openblas-{name.lower()}", {"OPENBLAS_CORETYPE": name}, {"architecture": name}, needs
    )


#: The configurations, in the order the issue that asked for them lists them.
CONFIGURATIONS = (
    _kernel("Haswell", ("AVX2", "FMA3")),
    _kernel("SkylakeX", ("AVX512F", "AVX512CD", "AVX512BW", "AVX512DQ", "AVX512VL")),
    _kernel("Sandybridge", ("AVX",)),
    _kernel("Nehalem", ("SSE42",)),
    Configuration("one-blas-thread", {"OPENBLAS_NUM_THREADS": "1"}, {"num_threads": 1}),
    Configuration(
        "numpy-without-avx512",
        {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"},
        {"X86_V4": False},
        changes_only_with=("X86_V4",),
    ),
)


def found() -> dict[str, object]:
    """What this process's NumPy and OpenBLAS use: kernel, threads, AVX-512 loops, CPU."""
    from numpy._core._multiarray_umath import __cpu_features__
    from threadpoolctl import threadpool_info

    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    return {
        "architecture": blas[0].get("architecture") if blas else None,
        "num_threads": blas[0].get("num_threads") if blas else None,
        "X86_V4": bool(__cpu_features__.get("X86_V4")),
    }


def cannot_run(
    config: Configuration, features: dict[str, bool], default: dict[str, object]
) -> str | None:
    """Why ``config`` cannot run, or changes nothing, on a CPU with ``features`` whose NumPy and
    OpenBLAS use ``default`` (``found()`` without any of these settings); else None."""
    missing = [f for f in config.needs if not features.get(f)]
    if missing:
        return f"{config.name}: this CPU lacks {', '.join(missing)}, which the kernel needs"
    absent = [f for f in config.changes_only_with if not features.get(f)]
    if absent:
        return f"{config.name}: this CPU has no {', '.join(absent)}; the setting changes nothing"
    if all(default.get(k) == v for k, v in config.expect.items()):
        return (
            f"{config.name}: it is this machine's default ({config.expect}), which make "
            "test-notebooks runs"
        )
    return None


def kernel_check() -> None:
    """Inside a chapter's kernel: log what it runs with; kill it if that is not what was asked."""
    expect = json.loads(os.environ[EXPECT])
    now = found()
    with open(os.environ[LOG], "a", encoding="utf-8") as log:
        log.write(json.dumps(now) + "\n")
    wrong = [f"{k} is {now[k]!r}, not {v!r}" for k, v in expect.items() if now[k] != v]
    if wrong:
        print(
            "portability: the configuration did not take effect: " + "; ".join(wrong),
            file=sys.stderr,
            flush=True,
        )
        os._exit(70)  # an exception here would only be reported; the chapter would still run
