from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from linkrec.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_index_then_suggest_json_contract(garden: Path, tmp_path: Path) -> None:
    model = tmp_path / "m"
    code, out, err = run("index", "--corpus", str(garden), "--model", str(model))
    assert code == 0 and out == "" and "indexed 8 pages" in err
    page = garden / "watering.md"
    code, out, err = run("suggest", str(page), "--corpus", str(garden), "--model", str(model), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, list) and len(data) == 1
    obj = data[0]
    assert set(obj) == {"page", "links", "keywords"}
    assert obj["page"] == str(page)
    text = page.read_text(encoding="utf-8")
    assert obj["links"]
    for link in obj["links"]:
        assert set(link) == {"target", "title", "score", "reason", "anchor"}
        assert isinstance(link["target"], str) and "\\" not in link["target"] and link["target"].endswith(".md")
        assert isinstance(link["title"], str) and isinstance(link["reason"], str) and link["reason"]
        assert isinstance(link["score"], float) and 0 <= link["score"] <= 1
        a = link["anchor"]
        if a is not None:
            assert set(a) == {"text", "line", "column", "start", "end"}
            assert all(isinstance(a[k], int) for k in ("line", "column", "start", "end"))
            assert text[a["start"]:a["end"]] == a["text"]
            assert text.splitlines()[a["line"] - 1][a["column"] - 1:].startswith(a["text"])
    for kw in obj["keywords"]:
        assert set(kw) == {"term", "score", "pages"}
        assert isinstance(kw["term"], str) and isinstance(kw["score"], float)
        assert all(isinstance(p, str) and p.endswith(".md") for p in kw["pages"])


def test_jsonl_one_object_per_page_and_text_format(garden: Path, tmp_path: Path) -> None:
    model = tmp_path / "m"
    pages = [str(garden / "watering.md"), str(garden / "pizza.md")]
    code, out, _ = run("suggest", *pages, "--corpus", str(garden), "--model", str(model), "--format", "jsonl")
    assert code == 0
    lines = out.splitlines()
    assert [json.loads(x)["page"] for x in lines] == pages
    code, out, _ = run("suggest", pages[0], "--corpus", str(garden), "--model", str(model), "--limit", "2")
    assert code == 0
    link_lines = [x for x in out.splitlines() if " → " in x]
    assert len(link_lines) == 2
    assert link_lines[0].startswith(pages[0] + ":")
    assert "\x1b[" not in out  # no colour when not a terminal


def test_builds_model_on_first_suggest_and_warns_on_stderr_only(garden: Path, tmp_path: Path) -> None:
    (garden / "bad.md").write_bytes(b"\xff\xfe\x00binary")
    code, out, err = run("suggest", str(garden / "pizza.md"), "--corpus", str(garden), "--model",
                         str(tmp_path / "m"), "--format", "json")
    assert code == 0
    json.loads(out)  # stdout is only the result
    assert "bad.md" in err


@pytest.mark.parametrize("args", [["suggest"], ["suggest", "x.md", "--format", "xml"], ["suggest", "x.md", "--limit", "-1"],
                                  ["nope"], ["eval", "--seed", "-5"], ["eval", "--sample", "0"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    code, _, _ = run(*args)
    assert code == 2


def test_missing_page_and_missing_corpus_exit_1(garden: Path, tmp_path: Path) -> None:
    code, out, err = run("suggest", str(tmp_path / "nope.md"), "--corpus", str(garden), "--model", str(tmp_path / "m"))
    assert code == 1 and "nope.md" in err and "no such file" in err
    code, out, err = run("index", "--corpus", str(tmp_path / "missing"), "--model", str(tmp_path / "m2"))
    assert code == 1 and "missing" in err and "not found" in err and "Traceback" not in err


def test_empty_corpus(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run("index", "--corpus", str(tmp_path / "empty"), "--model", str(tmp_path / "m"))
    assert code == 1 and "no usable page" in err and "ignore settings" in err
    assert not (tmp_path / "m" / "manifest.json").exists()


def test_bad_pages_are_skipped_with_one_line_each(garden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (garden / "latin1.md").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (garden / "binary.md").write_bytes(b"\x00\x01\x02\x03" * 10)
    (garden / "folder.md").mkdir()
    (garden / "broken-fm.md").write_text("---\ntitle: [unclosed\n---\n\nGood text about tomatoes anyway.\n")
    (garden / "only-fm.md").write_text("---\ntitle: Only front matter\n---\n")
    big = garden / "huge.md"
    with big.open("wb") as fh:
        fh.write(b"# Huge\n\n" + b"word " * (10 * 1024 * 1024))  # 50 MB
    code, out, err = run("index", "--corpus", str(garden), "--model", str(tmp_path / "m"))
    assert code == 0, err
    lines = err.strip().splitlines()
    assert any("latin1.md" in x and "UTF-8" in x for x in lines)
    assert any("binary.md" in x for x in lines)
    assert any("huge.md" in x and "too large" in x for x in lines)
    assert not any("folder.md" in x for x in lines)  # a folder named x.md is not a page
    assert any("broken-fm.md" in x and "front matter" in x for x in lines)
    assert any("only-fm.md" in x and "no text" in x for x in lines)
    assert "Traceback" not in err
    assert "indexed 10 pages, 3 skipped" in err  # 8 + broken-fm + only-fm


def test_suggest_on_a_directory_named_md(garden: Path, tmp_path: Path) -> None:
    (garden / "folder.md").mkdir()
    code, _, err = run("suggest", str(garden / "folder.md"), "--corpus", str(garden), "--model", str(tmp_path / "m"))
    assert code == 1 and "folder.md" in err and "folder" in err


def test_unreadable_page(garden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self.name == "bread.md":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    code, _, err = run("index", "--corpus", str(garden), "--model", str(tmp_path / "m"))
    assert code == 0 and "bread.md: permission denied" in err


def test_config_file_and_cli_precedence(garden: Path, tmp_path: Path) -> None:
    (tmp_path / "linkrec.toml").write_text('corpus = "garden"\nmodel = "mm"\nlimit = 1\n')
    code, out, err = run("suggest", str(garden / "watering.md"), "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)[0]["links"]) == 1
    assert (tmp_path / "mm" / "manifest.json").exists()
    code, out, _ = run("suggest", str(garden / "watering.md"), "--format", "json", "--limit", "3")
    assert len(json.loads(out)[0]["links"]) == 3
    (tmp_path / "linkrec.toml").write_text("limit = 0\n")
    code, _, err = run("suggest", str(garden / "watering.md"))
    assert code == 1 and "limit" in err and "linkrec.toml" in err
    for pattern in ("/{path.nope}/", "/{bogus}/", "/docs/", "/{path.upper}/", "/{path!r}/", "/{slug:>9}/"):  # when read
        (tmp_path / "linkrec.toml").write_text(f'corpus = "garden"\nurl_pattern = "{pattern}"\n')
        code, _, err = run("apply", str(garden / "watering.md"), "--diff")
        assert code == 1 and "linkrec.toml" in err and "url_pattern" in err and "Traceback" not in err, err


def test_version_and_module_entry_point() -> None:
    import subprocess
    import sys

    code, out, _ = run("--version")
    assert code == 0 and out.startswith("linkrec, version ")
    done = subprocess.run([sys.executable, "-m", "linkrec", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout == out


def test_pyproject_table_and_environment(garden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "site"\n\n[tool.linkrec]\ncorpus = "garden"\nlimit = 2\n')
    sub = tmp_path / "deeper" / "folder"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)  # found from the current folder upwards
    code, out, err = run("suggest", str(garden / "watering.md"), "--model", str(tmp_path / "m"), "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)[0]["links"]) == 2
    monkeypatch.setenv("LINKREC_CORPUS", str(tmp_path / "nowhere"))  # the environment wins over the file
    code, _, err = run("suggest", str(garden / "watering.md"), "--model", str(tmp_path / "m"))
    assert code == 1 and "nowhere" in err
    code, _, err = run("suggest", str(garden / "watering.md"), "--model", str(tmp_path / "m"), "--corpus",
                       str(garden))  # and the option wins over the environment
    assert code == 0, err


def test_verbose_logs_linkrec_only(garden: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    args = [sys.executable, "-m", "linkrec", "-vv", "suggest", str(garden / "watering.md"), "--corpus", str(garden),
            "--model", str(tmp_path / "m"), "--limit", "1", "--keywords", "0"]
    first = subprocess.run(args, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert "INFO linkrec.api: " in first.stderr and "building the model" in first.stderr
    assert "markdown_it" not in first.stderr  # other libraries' debug logs stay off
    again = subprocess.run([*args[:3], "-v", *args[4:]], capture_output=True, text=True, check=False)
    assert "model up to date" in again.stderr


def test_a_broken_pyproject_of_another_project_does_not_stop_linkrec(garden: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\nname = broken\n")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = run("suggest", str(garden / "watering.md"), "--corpus", str(garden), "--model",
                         str(tmp_path / "m"), "--format", "json")
    assert code == 0, err
    assert json.loads(out)[0]["links"]


def test_our_own_broken_pyproject_still_stops_linkrec(garden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.linkrec]\nignore = ["drafts/*"\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = run("suggest", str(garden / "watering.md"), "--corpus", str(garden), "--model", str(tmp_path / "m"))
    assert code == 1 and "pyproject.toml" in err
