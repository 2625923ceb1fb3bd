import ast
import hashlib
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import storage
from app.storage import (
    FileStore,
    GcReport,
    InvalidHash,
    LocalFileStore,
    collect_garbage,
)

DATA = "学历证书".encode() * 1000
SHA = hashlib.sha256(DATA).hexdigest()
ABSENT = "0" * 64


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


def all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def read(store: LocalFileStore, sha: str) -> bytes:
    with store.open(sha) as stream:
        return stream.read()


def age(store: LocalFileStore, sha: str, days: int) -> None:
    stamp = (datetime.now(UTC) - timedelta(days=days)).timestamp()
    os.utime(store.path_for(sha), (stamp, stamp))


def test_put_then_open_roundtrip(store: LocalFileStore) -> None:
    assert store.put(DATA) == SHA
    assert read(store, SHA) == DATA
    assert store.exists(SHA)
    assert store.path_for(SHA) == store.root / SHA[:2] / SHA[2:4] / SHA


def test_same_bytes_are_stored_once(store: LocalFileStore) -> None:
    assert store.put(DATA) == store.put(DATA) == SHA
    assert store.put(b"other") != SHA
    assert len(all_files(store.root)) == 2
    assert sorted(store.iter_hashes()) == sorted([SHA, hashlib.sha256(b"other").hexdigest()])


def test_empty_bytes_have_a_hash_too(store: LocalFileStore) -> None:
    sha = store.put(b"")
    assert read(store, sha) == b""


def test_no_temporary_files_are_left(store: LocalFileStore) -> None:
    store.put(DATA)
    store.put(DATA)
    assert [p.name for p in all_files(store.root)] == [SHA]


def test_failed_write_leaves_no_temporary_file(
    store: LocalFileStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(storage.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        store.put(DATA)
    assert all_files(store.root) == []
    assert not store.exists(SHA)


@pytest.mark.parametrize(
    "bad",
    [
        "../../etc/passwd",
        "/etc/passwd",
        SHA.upper(),
        SHA[:-1],
        SHA + "0",
        SHA[:-2] + "/x",
        SHA[:-1] + "\n",
        "",
        "g" * 64,
    ],
)
def test_malformed_hashes_are_refused_everywhere(store: LocalFileStore, bad: str) -> None:
    for call in (store.open, store.exists, store.delete, store.path_for, store.stored_at):
        with pytest.raises(InvalidHash):
            call(bad)
    with pytest.raises(InvalidHash):
        collect_garbage(store, {bad})


def test_missing_file(store: LocalFileStore) -> None:
    assert not store.exists(ABSENT)
    with pytest.raises(FileNotFoundError):
        store.open(ABSENT)
    store.delete(ABSENT)  # already gone: nothing to do


def test_delete(store: LocalFileStore) -> None:
    store.put(DATA)
    store.delete(SHA)
    assert not store.exists(SHA)
    assert list(store.iter_hashes()) == []


def test_iter_hashes_skips_temporary_and_stray_files(store: LocalFileStore) -> None:
    store.put(DATA)
    folder = store.path_for(SHA).parent
    (folder / ".tmp-abc123").write_bytes(b"half written")
    (folder / ABSENT).write_bytes(b"filed under the wrong prefix")
    (store.root / "README").write_text("not a blob")
    assert list(store.iter_hashes()) == [SHA]


def test_put_of_known_bytes_refreshes_their_age(store: LocalFileStore) -> None:
    store.put(DATA)
    age(store, SHA, days=30)
    store.put(DATA)
    assert datetime.now(UTC) - store.stored_at(SHA) < timedelta(minutes=1)


def test_gc_removes_unreferenced_and_reports_missing(store: LocalFileStore) -> None:
    kept, dropped = store.put(b"kept"), store.put(b"dropped")
    age(store, kept, days=2)
    age(store, dropped, days=2)
    report = collect_garbage(store, {kept, ABSENT})
    assert report == GcReport(removed=[dropped], missing=[ABSENT], recent=[])
    assert store.exists(kept) and not store.exists(dropped)


def test_gc_dry_run_deletes_nothing(store: LocalFileStore) -> None:
    sha = store.put(b"dropped")
    age(store, sha, days=2)
    report = collect_garbage(store, set(), dry_run=True)
    assert report.removed == [sha]
    assert store.exists(sha)


def test_gc_spares_files_younger_than_the_grace_period(store: LocalFileStore) -> None:
    # stored by a request whose row has not committed yet
    sha = store.put(b"just uploaded")
    report = collect_garbage(store, set())
    assert (report.removed, report.recent) == ([], [sha])
    assert store.exists(sha)
    assert collect_garbage(store, set(), grace=timedelta(0), dry_run=True).removed == [sha]
    later = datetime.now(UTC) + timedelta(hours=2)
    assert collect_garbage(store, set(), now=later).removed == [sha]
    assert not store.exists(sha)


def test_gc_of_an_empty_store(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "never-created")
    assert collect_garbage(store, {ABSENT}) == GcReport(missing=[ABSENT])


@pytest.mark.parametrize("always_write", [False, True], ids=["dedupe", "racing-writes"])
def test_concurrent_put_of_the_same_bytes(
    store: LocalFileStore, monkeypatch: pytest.MonkeyPatch, always_write: bool
) -> None:
    if always_write:
        # every thread misses the existing file, as two processes can, and renames over it
        monkeypatch.setattr(LocalFileStore, "_touch", staticmethod(lambda path: False))
    threads_count = 16
    barrier = threading.Barrier(threads_count)
    results: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        barrier.wait()
        try:
            results.append(store.put(DATA))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == [SHA] * threads_count
    assert [p.name for p in all_files(store.root)] == [SHA]
    assert read(store, SHA) == DATA


def test_local_store_implements_the_interface(store: LocalFileStore) -> None:
    assert isinstance(store, FileStore)
    with pytest.raises(TypeError):
        FileStore()  # type: ignore[abstract]


def test_storage_does_not_import_flask() -> None:
    tree = ast.parse(Path(storage.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert not imported & {"flask", "flask_appbuilder", "werkzeug"}
