"""Atomic, durable file writes: temp file in the same directory, fsync, ``os.replace``.

A reader of the directory sees either no file or the whole file, never a half-written one, and
after a power cut the file is either absent or complete: the temp name is a dotfile (readers skip
dotfiles), its data is fsynced before the rename, and the directory is fsynced after it.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def temp_path(target: Path) -> Path:
    """A unique dotfile beside ``target`` (same directory, hence same filesystem)."""
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that no reader ever sees a partial file."""
    temp = temp_path(target)
    try:
        with open(temp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_directory(target.parent)


def move_atomically(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target`` (same filesystem) and make both directories durable."""
    os.replace(source, target)
    fsync_directory(target.parent)
    if source.parent != target.parent:
        fsync_directory(source.parent)
