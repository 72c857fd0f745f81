from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from linkrec import IndexFormatError, IndexNotFoundError, Settings, StaleIndexError, build_index, load_index, save_index
from linkrec import api, store


def test_round_trip(garden: Path, tmp_path: Path) -> None:
    settings = Settings()
    index = build_index(garden, settings=settings)
    save_index(index, tmp_path / "m", settings=settings, corpus=str(garden))
    loaded = load_index(tmp_path / "m", settings=settings)
    assert [r.path for r in loaded.records] == [r.path for r in index.records]
    assert loaded.vocab == index.vocab
    assert (loaded.matrix != index.matrix).nnz == 0
    assert loaded.extra.keys() == index.extra.keys()
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert manifest["format"] == store.FORMAT_VERSION
    assert set(manifest["pages"]) == {r.path for r in index.records}
    assert {"linkrec", "sklearn", "python", "settings", "payload_sha256"} <= set(manifest)


def test_missing_model(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError):
        load_index(tmp_path / "nothing", settings=Settings())


def test_other_settings_are_stale(garden: Path, tmp_path: Path) -> None:
    index = build_index(garden, settings=Settings())
    save_index(index, tmp_path / "m", settings=Settings(), corpus=str(garden))
    with pytest.raises(StaleIndexError):
        load_index(tmp_path / "m", settings=Settings(title_weight=5))


def _open(garden: Path, model: Path) -> tuple[api.IndexReport, list[str]]:
    warnings: list[str] = []
    report = api.open_index(garden, model=model, settings=Settings(), warn=warnings.append)
    return report, warnings


def test_open_builds_then_reuses_then_refreshes_only_changed(garden: Path, tmp_path: Path) -> None:
    model = tmp_path / "m"
    first, w = _open(garden, model)
    assert first.rebuilt and first.pages == 8 and w == []
    again, w = _open(garden, model)
    assert not again.rebuilt and again.reread == 0
    (garden / "bikes.md").write_text("# Bicycle Maintenance\n\nOil the chain often.")
    (garden / "new.md").write_text("# Seeds\n\nSow seeds in spring.")
    (garden / "compost.md").unlink()
    refreshed, w = _open(garden, model)
    assert not refreshed.rebuilt and refreshed.reread == 2
    paths = {r.path for r in refreshed.index.records}
    assert "new.md" in paths and "compost.md" not in paths
    # touching a file without changing it re-hashes but does not re-read
    (garden / "bread.md").write_bytes((garden / "bread.md").read_bytes())
    after_touch, _ = _open(garden, model)
    assert after_touch.reread == 0


def test_corrupt_payload_is_rebuilt_with_a_warning(garden: Path, tmp_path: Path) -> None:
    model = tmp_path / "m"
    _open(garden, model)
    payload = next(model.glob("index-*.joblib"))
    payload.write_bytes(payload.read_bytes()[:100])  # truncated
    with pytest.raises(IndexFormatError, match="corrupt or truncated"):
        load_index(model, settings=Settings())
    report, warnings = _open(garden, model)
    assert report.rebuilt and len(warnings) == 1 and "rebuilding" in warnings[0]
    assert len(load_index(model, settings=Settings())) == 8


def test_corrupt_manifest_and_version_mismatch_are_rebuilt(garden: Path, tmp_path: Path) -> None:
    model = tmp_path / "m"
    _open(garden, model)
    (model / "manifest.json").write_text("{not json")
    report, warnings = _open(garden, model)
    assert report.rebuilt and "corrupt" in warnings[0]
    data = json.loads((model / "manifest.json").read_text())
    data["sklearn"] = "0.1"
    (model / "manifest.json").write_text(json.dumps(data))
    report, warnings = _open(garden, model)
    assert report.rebuilt and "sklearn" in warnings[0]
    data = json.loads((model / "manifest.json").read_text())
    data["pages"] = {path: [] for path in data["pages"]}  # a hand-edited or damaged page entry
    (model / "manifest.json").write_text(json.dumps(data))
    report, warnings = _open(garden, model)
    assert report.rebuilt and "page entry" in warnings[0]


def test_crash_during_save_keeps_the_old_model(garden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "m"
    _open(garden, model)
    before = sorted(p.name for p in model.iterdir())

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store.joblib, "dump", boom)
    index = build_index(garden, settings=Settings())
    with pytest.raises(KeyboardInterrupt):
        save_index(index, model, settings=Settings(), corpus=str(garden))
    assert sorted(p.name for p in model.iterdir()) == before  # no temp file left behind
    assert len(load_index(model, settings=Settings())) == 8


def _index_in_process(garden: str, model: str) -> None:
    api.index_corpus(Path(garden), model=Path(model), settings=Settings())


def test_concurrent_index_runs_leave_a_valid_model(garden: Path, tmp_path: Path) -> None:
    model = tmp_path / "m"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_index_in_process, args=(str(garden), str(model))) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert len(load_index(model, settings=Settings())) == 8
    assert len(list(model.glob("index-*.joblib"))) == 1


def test_an_unwritable_model_folder_warns_and_answers_or_fails_index_cleanly(
        garden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linkrec import IndexWriteError
    from linkrec import store as store_mod

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store_mod, "_write_model", denied)  # as a read-only folder would (root ignores modes)
    warnings: list[str] = []
    rec = api.Recommender.open(garden, tmp_path / "m", warn=warnings.append)
    assert rec.suggest_file(garden / "watering.md").links  # answered from memory
    assert len(warnings) == 1 and "cannot save the model: Permission denied" in warnings[0]
    with pytest.raises(IndexWriteError, match="cannot save the model"):
        api.index_corpus(garden, model=tmp_path / "m", settings=Settings())
    from click.testing import CliRunner

    from linkrec.cli import cli

    result = CliRunner().invoke(cli, ["index", "--corpus", str(garden), "--model", str(tmp_path / "m")])
    assert result.exit_code == 1 and "linkrec: error: " in result.output and "cannot save the model" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_known_manifest_is_returned_while_the_file_holds_its_bytes(garden: Path, tmp_path: Path) -> None:
    model = tmp_path / "m"
    index = build_index(garden, settings=Settings())
    written = store.save_model(index, model, settings=Settings(), corpus=str(garden))
    read = store.read_manifest(model)
    assert read.digest == written.digest and read.data == written.data
    assert store.read_manifest(model, known=written) is written
    store.save_model(index, model, settings=Settings(), corpus=str(garden))  # saved again: another payload
    again = store.read_manifest(model, known=written)
    assert again is not written and again.digest != written.digest and again.payload != written.payload
