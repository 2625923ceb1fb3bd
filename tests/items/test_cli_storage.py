"""`flask storage gc`: unreferenced old files go, young ones and referenced ones stay."""

from __future__ import annotations

import os
import time

from app.cli_storage import garbage_collect
from app.models import ItemKind
from app.services.attachments import get_store
from tests.items.support import add_item, files_of


def _age(store, sha, hours):
    path = store.path_for(sha)
    old = time.time() - hours * 3600
    os.utime(path, (old, old))


def test_gc_removes_only_old_unreferenced_files(app, session, dossier):
    store = get_store()
    item = add_item(session, dossier, ItemKind.PAPER, parts=["封面"])
    session.commit()
    (kept,) = files_of(session, item)
    orphan = store.put(b"%PDF-orphan")
    young = store.put(b"%PDF-young")
    _age(store, orphan, 5)
    _age(store, kept.sha256, 5)

    report, missing = garbage_collect(session, store, dry_run=True)
    assert orphan in report.removed and store.exists(orphan)
    assert young in report.recent
    assert kept.sha256 not in report.removed and missing == []

    report, _ = garbage_collect(session, store)
    assert not store.exists(orphan) and store.exists(young) and store.exists(kept.sha256)


def test_gc_reports_rows_whose_file_is_missing(app, session, dossier):
    store = get_store()
    item = add_item(session, dossier, ItemKind.PAPER, parts=["封面", "正文"])
    session.commit()
    gone = files_of(session, item)[1]
    store.delete(gone.sha256)
    report, missing = garbage_collect(session, store, dry_run=True)
    assert missing == [("附件", gone.id, gone.sha256)] and report.missing == [gone.sha256]


def test_gc_command(app, session, dossier):
    from app.cli_storage import storage_cli

    store = get_store()
    orphan = store.put(b"%PDF-command-orphan")
    _age(store, orphan, 2)
    runner = app.test_cli_runner()
    result = runner.invoke(storage_cli, ["gc", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "可删除无引用文件" in result.output and orphan in result.output
    assert store.exists(orphan)
    result = runner.invoke(storage_cli, ["gc", "--grace-hours", "1"])
    assert "已删除无引用文件" in result.output
    assert not store.exists(orphan)
