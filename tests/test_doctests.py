"""The examples in the docstrings run (against the installed package)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import linkrec

MODULES = sorted(m.name for m in pkgutil.iter_modules(linkrec.__path__, "linkrec.") if m.name != "linkrec.__main__")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
