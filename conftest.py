"""Shared pytest set-up: the doctest namespace.

Every check that names the claim it verifies (a notebook cell tagged ``verifies:<label>``, run by
nbval, or a test marked ``@pytest.mark.verifies("<label>")``) has its outcome recorded under
``_build/verification/`` by the claims package's pytest plugin (``packages/sphinx-claims``, found
through its entry point and configured in ``pyproject.toml``), not by anything here.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict[str, object]) -> None:
    doctest_namespace["np"] = np
    doctest_namespace["sp"] = sympy
