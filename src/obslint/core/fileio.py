"""Writing files so that an interrupted write never leaves a half-written file behind, and a written
file looks as any other the user makes: the user's umask for a new file, the old file's mode (and
owner, where the process may set it) for a replaced one."""

from __future__ import annotations

import functools
import os
from pathlib import Path


@functools.cache
def umask() -> int:
    """The process's umask (read once: reading it means setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    return 0o666 & ~umask()


def new_directory_mode() -> int:
    return 0o777 & ~umask()


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, flush it to disk, then rename it over `path`."""
    import tempfile  # with shutil and random: only when a file is written

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        old = os.stat(path)
    except OSError:
        old = None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), (old.st_mode & 0o7777) if old else new_file_mode())
            if old is not None and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
                try:
                    os.fchown(fh.fileno(), old.st_uid, old.st_gid)
                except OSError:
                    pass  # not allowed to: the file becomes the writer's, as any edit would make it
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
