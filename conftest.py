"""Shared pytest set-up: the doctest namespace, and the verification plugin.

Every check that names the claim it verifies (a notebook cell tagged ``verifies:<label>``, run by
nbval, or a test marked ``@pytest.mark.verifies("<label>")``) has its outcome recorded under
``_build/verification/`` by ``book/_ext/verification/pytest_plugin.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy

pytest_plugins = ["verification.pytest_plugin"]


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict[str, object]) -> None:
    doctest_namespace["np"] = np
    doctest_namespace["sp"] = sympy
