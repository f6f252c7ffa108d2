"""Emptying a folder the student could write to: no link followed, any depth, O(1) open files.

Self-contained (stdlib only): the zygote loads this file too, to empty the sandbox's
folders between runs. Every step is relative to a directory fd opened with O_NOFOLLOW, so a
symlink is removed, never followed; going back up re-opens ".." and checks it is the folder
we came from (device and inode), so a folder moved meanwhile stops the walk instead of
leading it elsewhere. Folders the student made unreadable are made readable first (we own
them, or we are root). No recursion: 100,000 nested folders cost time, not stack.
"""
from __future__ import annotations

import os
import stat
import time

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def empty(path: str, *, seconds: float = 30.0) -> bool:
    """Remove everything inside the folder `path` (not the folder). True if it is empty now;
    False if something stayed (or `seconds` ran out, or `path` is not a real folder)."""
    try:
        top = os.open(path, _DIR)
    except OSError:
        return False
    until = time.monotonic() + seconds
    try:  # a second pass for what changed under the first (an entry gone, or new, meanwhile)
        return any(_empty_fd(top, until) for _ in range(2))
    finally:
        os.close(top)


def remove(path: str, *, seconds: float = 30.0) -> bool:
    """Remove `path` and what is inside it; a link is removed, not followed. True if gone."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    if stat.S_ISDIR(st.st_mode):
        if not empty(path, seconds=seconds):
            return False
        try:
            os.rmdir(path)
        except FileNotFoundError:
            pass
        except OSError:
            return False
        return True
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True


def _open_child(fd: int, name: str) -> int | None:
    try:
        return os.open(name, _DIR, dir_fd=fd)
    except FileNotFoundError:
        return None  # gone meanwhile: the second pass will tell
    except PermissionError:  # a folder made unreadable: we own it, so it can be made readable
        try:
            os.chmod(name, 0o700, dir_fd=fd, follow_symlinks=False)
            return os.open(name, _DIR, dir_fd=fd)
        except (OSError, NotImplementedError):
            return None
    except OSError:
        return None


def _empty_fd(top: int, until: float) -> bool:
    """Depth-first with one open folder at a time; `path` holds (name, dev, ino) of each parent.

    A mount point is left as it is, and so is each folder on the way to one: inside bubblewrap the
    grader's read-only binds (the Python installation) sit in /tmp when it is installed under /tmp,
    and a student's process cannot mount anything. What the student wrote beside them goes."""
    path: list[tuple[str, int, int]] = []
    kept: set[tuple[int, int]] = set()  # (dev, ino) of the folders left because they hold a mount
    holds_mount = [False]  # per folder on the way down: whether a mount was found below it
    here = os.dup(top)
    try:
        os.fchmod(here, 0o700)  # write permission is needed to unlink its entries
    except OSError:
        pass
    clean = True
    try:
        while True:
            if time.monotonic() > until:
                return False
            went_down = False
            try:
                entries = list(os.scandir(here))
            except OSError:
                entries = []
                clean = False
            mine = os.fstat(here)
            for entry in entries:
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    is_dir = False
                if is_dir:
                    if _is_kept(entry, mine.st_dev, kept):
                        holds_mount[-1] = True  # a mount point, or a folder holding one
                        continue
                    below = _open_child(here, entry.name)
                    if below is None:
                        clean = False
                        continue
                    try:
                        os.fchmod(below, 0o700)
                    except OSError:
                        pass
                    path.append((entry.name, mine.st_dev, mine.st_ino))
                    holds_mount.append(False)
                    os.close(here)
                    here = below
                    went_down = True
                    break
                try:
                    os.unlink(entry.name, dir_fd=here)
                except FileNotFoundError:
                    pass
                except OSError:
                    clean = False
            if went_down:
                continue
            if not path:  # back at the top, and nothing left to go down into but what is kept
                return clean and all(_is_kept(e, mine.st_dev, kept) for e in os.scandir(here))
            name, dev, ino = path.pop()
            keep = holds_mount.pop()
            if keep:
                kept.add((mine.st_dev, mine.st_ino))
                holds_mount[-1] = True
            try:
                up = os.open("..", _DIR, dir_fd=here)
            except OSError:
                return False
            os.close(here)
            here = up
            now = os.fstat(here)
            if (now.st_dev, now.st_ino) != (dev, ino):
                return False  # the tree moved under us: stop rather than walk somewhere else
            if keep:
                continue
            try:
                os.rmdir(name, dir_fd=here)
            except FileNotFoundError:
                pass
            except OSError:
                return False  # a folder that could not be emptied: no point in going on
    finally:
        os.close(here)


def _is_kept(entry: os.DirEntry, dev: int, kept: set[tuple[int, int]]) -> bool:
    """A folder on another device than its parent's (`dev`: a mount point) or one found holding one."""
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and (st.st_dev != dev or (st.st_dev, st.st_ino) in kept)


def usage(path: str, *, cap: int, max_entries: int = 100_000) -> int:
    """Bytes the tree under `path` holds on disk (allocated blocks, links not followed), stopping
    once past `cap`; a tree of more than `max_entries` entries counts as past it (inodes are disk
    too). For a box on the host's disk, which no tmpfs bounds."""
    total, entries, todo = 0, 0, [path]
    while todo and total <= cap:
        try:
            listing = list(os.scandir(todo.pop()))
        except OSError:
            continue
        for entry in listing:
            entries += 1
            if entries > max_entries:
                return cap + 1
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            total += st.st_blocks * 512
            if stat.S_ISDIR(st.st_mode):
                todo.append(entry.path)
    return total


def open_files(pids) -> int:
    """Bytes held by regular files the processes have open, each file once: a file written and
    unlinked stays on disk while it is open, and no walk of a folder sees it."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                st = os.stat(f"/proc/{pid}/fd/{fd}")  # the magic link leads to the open file itself
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode) and (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_blocks * 512
    return total
