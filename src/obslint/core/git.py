"""The little of git that `obslint check --diff-base` needs, through the git command itself: the merge
base, the lines the work tree changed since it, and the tree at it."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path


class GitError(Exception):
    """git is missing, the directory is no work tree, or a revision does not exist."""


def git(args: list[str], cwd: Path, binary: bool = False):
    try:
        proc = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=cwd, capture_output=True,
                              timeout=300, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {' '.join(args)} took more than 5 minutes") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[-1] if message else f'exit {proc.returncode}'}")
    return proc.stdout if binary else proc.stdout.decode("utf-8", "surrogateescape")


def toplevel(directory: Path) -> Path:
    return Path(git(["rev-parse", "--show-toplevel"], directory).strip())


def merge_base(ref: str, directory: Path) -> str:
    """The commit `git merge-base REF HEAD` names."""
    try:
        git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], directory)
    except GitError:
        raise GitError(f"{ref!r} is not a commit of this repository (fetch it first, e.g. with "
                       f"`git fetch origin {ref}` or a deeper clone)") from None
    return git(["merge-base", ref, "HEAD"], directory).strip()


@dataclass
class FileChange:
    """How one file (by its path now, relative to the top level) differs from the base."""

    path: str
    status: str  # A added (or untracked), M modified, R renamed, D deleted
    old_path: str | None = None  # before a rename
    ranges: list[tuple[int, int]] = field(default_factory=list)  # lines added or changed, now (inclusive)
    removals: list[int] = field(default_factory=list)  # lines removed right after line n (0: at the top)

    @property
    def whole(self) -> bool:
        return self.status == "A"


def changes(base: str, directory: Path) -> dict[str, FileChange]:
    """Every file the work tree (committed or not, and files git does not track yet) changed since
    `base`, by its path now; deleted files by their old path."""
    found: dict[str, FileChange] = {}
    fields = git(["diff", "--name-status", "-z", "-M", "--no-ext-diff", base, "--"], directory).split("\0")
    i = 0
    while i < len(fields) - 1:
        status = fields[i][:1]
        if status in ("R", "C"):
            old, new = fields[i + 1], fields[i + 2]
            found[new] = FileChange(new, "R" if status == "R" else "A", old if status == "R" else None)
            i += 3
            continue
        path = fields[i + 1]
        found[path] = FileChange(path, {"A": "A", "D": "D"}.get(status, "M"))
        i += 2
    current = None
    patch = git(["diff", "-U0", "-M", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/", base,
                 "--"], directory)
    for line in patch.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            current = found.get(_unquote(target)[2:]) if target != "/dev/null" else None
        elif line.startswith("@@ ") and current is not None:
            new = line.split(" ")[2]  # +start[,count]
            start, _, count = new[1:].partition(",")
            start, count = int(start), int(count) if count else 1
            if count:
                current.ranges.append((start, start + count - 1))
            else:
                current.removals.append(start)
    untracked = git(["ls-files", "--others", "--exclude-standard", "-z"], directory).split("\0")
    for path in filter(None, untracked):
        found[path] = FileChange(path, "A")
    return found


def _unquote(path: str) -> str:
    """A path as git's diff headers write it, C-quoted when it has unusual characters."""
    if not path.startswith('"'):
        return path
    import codecs

    return codecs.escape_decode(path[1:-1].encode("utf-8"))[0].decode("utf-8", "surrogateescape")


def export(commit: str, directory: Path, destination: Path) -> None:
    """The tree of `commit` written into `destination` (as `git archive` writes it)."""
    import io
    import tarfile

    data = git(["archive", "--format=tar", commit], directory, binary=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(destination, filter="data")
