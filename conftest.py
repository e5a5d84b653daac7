"""Shared pytest set-up: the doctest namespace."""

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict[str, object]) -> None:
    doctest_namespace["np"] = np
    doctest_namespace["sp"] = pytest.importorskip("sympy")
