"""The README documents every command and option; the public API is what __all__ says."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
import pytest

import linkrec
from linkrec.cli import cli
from linkrec.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_documented_and_has_help(name: str) -> None:
    command = cli.commands[name]
    assert f"linkrec {name}" in README
    assert command.help and "Example" in command.help
    for param in command.params:
        if isinstance(param, click.Option):
            assert any(opt in README for opt in param.opts), f"{name} {param.opts} not in README"


def test_every_setting_is_documented() -> None:
    for f in dataclasses.fields(Settings):
        assert f"`{f.name}`" in README, f.name


def test_public_api() -> None:
    public = {n for n in dir(linkrec) if not n.startswith("_")} - {
        "analysis", "anchors", "api", "corpus", "documents", "edit", "errors", "evidence", "features", "ignore",
        "inbound", "index", "keywords", "learn", "markdown", "rank", "resolve", "results", "settings", "store",
        "render", "evaluate", "cli", "cli_apply", "cli_report", "apply", "sitereport", "annotations", "files", "forked",
        "editions",
    }
    assert public == set(linkrec.__all__) - {"__version__"}
    assert "click" not in {n for n in dir(linkrec)}
