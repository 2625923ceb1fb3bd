"""Content-addressed file store for attachments (DESIGN §5 "Attachments", §8 deployment).

A file is named by the SHA-256 of its bytes, so the same bytes are stored once and a stored
file never changes. Rows reference hashes; ``collect_garbage`` removes files no row references.
Hashes are checked against ``[0-9a-f]{64}`` before they touch a path, so a hash from a request
can never name a path outside the store.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

_HASH = re.compile(r"[0-9a-f]{64}")
#: an upload is stored before the row that references it commits; younger files are kept
DEFAULT_GC_GRACE = timedelta(hours=1)


class InvalidHash(ValueError):
    """Not a lowercase hex SHA-256."""


def check_hash(sha: str) -> str:
    if not isinstance(sha, str) or not _HASH.fullmatch(sha):
        raise InvalidHash(f"not a sha256 hex digest: {sha!r}")
    return sha


class FileStore(ABC):
    """Immutable blobs keyed by the SHA-256 of their bytes."""

    @abstractmethod
    def put(self, data: bytes) -> str:
        """Store ``data`` (idempotent) and return its hash."""

    @abstractmethod
    def open(self, sha: str) -> BinaryIO:
        """A binary stream of the stored bytes; ``FileNotFoundError`` if absent."""

    @abstractmethod
    def exists(self, sha: str) -> bool: ...

    @abstractmethod
    def delete(self, sha: str) -> None:
        """Remove the file; nothing happens if it is already gone."""

    @abstractmethod
    def iter_hashes(self) -> Iterator[str]: ...

    @abstractmethod
    def stored_at(self, sha: str) -> datetime:
        """When the bytes were last stored (UTC); lets GC spare uploads not yet referenced."""


class LocalFileStore(FileStore):
    """``root/ab/cd/<sha256>`` on a local or shared file system.

    Writes go to a temporary file in the target directory, are fsynced and renamed into place,
    so a reader sees the whole file or none, and two processes storing the same bytes at once
    both succeed (the second rename replaces identical bytes).
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path_for(self, sha: str) -> Path:
        check_hash(sha)
        return self.root / sha[:2] / sha[2:4] / sha

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        path = self.path_for(sha)
        if self._touch(path):
            return sha
        _make_dirs(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)
        return sha

    def open(self, sha: str) -> BinaryIO:
        return self.path_for(sha).open("rb")

    def exists(self, sha: str) -> bool:
        return self.path_for(sha).is_file()

    def delete(self, sha: str) -> None:
        self.path_for(sha).unlink(missing_ok=True)

    def iter_hashes(self) -> Iterator[str]:
        for path in self.root.glob("??/??/*"):
            sha = path.name
            # temp files and strays are not blobs; only a hash filed under its own prefix is
            if _HASH.fullmatch(sha) and path == self.path_for(sha) and path.is_file():
                yield sha

    def stored_at(self, sha: str) -> datetime:
        return datetime.fromtimestamp(self.path_for(sha).stat().st_mtime, UTC)

    @staticmethod
    def _touch(path: Path) -> bool:
        """Refresh the mtime of an existing blob, so GC treats a re-upload as new."""
        try:
            os.utime(path)
        except FileNotFoundError:
            return False
        return True


def _make_dirs(directory: Path) -> None:
    missing = [d for d in (directory.parent, directory) if not d.is_dir()]
    directory.mkdir(parents=True, exist_ok=True)
    for created in missing:
        _fsync_dir(created.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class GcReport:
    removed: list[str] = field(default_factory=list)  #: unreferenced (deleted unless dry run)
    missing: list[str] = field(default_factory=list)  #: referenced but not in the store
    recent: list[str] = field(default_factory=list)  #: unreferenced but within the grace period


def collect_garbage(
    store: FileStore,
    referenced: Iterable[str],
    *,
    dry_run: bool = False,
    grace: timedelta = DEFAULT_GC_GRACE,
    now: datetime | None = None,
) -> GcReport:
    """Delete stored files that ``referenced`` does not name and that are older than ``grace``.

    Uploads are stored before the row naming them commits, so a file younger than ``grace``
    may be about to be referenced: it is reported in ``recent`` and kept.
    """
    wanted = {check_hash(sha) for sha in referenced}
    now = now or datetime.now(UTC)
    report = GcReport()
    stored = set(store.iter_hashes())
    for sha in sorted(stored - wanted):
        try:
            young = now - store.stored_at(sha) < grace
        except FileNotFoundError:
            continue  # deleted by someone else meanwhile
        if young:
            report.recent.append(sha)
            continue
        if not dry_run:
            store.delete(sha)
        report.removed.append(sha)
    report.missing = sorted(wanted - stored)
    return report
