"""The bubblewrap command line that confines the zygote (and so every student process).

What it gives, on Linux with Debian's `bubblewrap` package: no network (--unshare-net); a
pid namespace whose pid 1 is the zygote (--unshare-pid --as-pid-1), so one kill(-1) ends
every student process and the whole namespace dies with the grader (--die-with-parent);
no capabilities; a filesystem made of read-only binds of the system and the Python
installation; the grader's own package (`autograder`) hidden under an empty read-only tmpfs
where the installation holds it (a regular install); and only size-capped tmpfs to write to:
/box (the run folders), /tmp and /dev/shm, all emptied by the zygote between runs. /dev is
read-only. The course root (solutions/, course.yml) is not mounted, and the grader has no
folder in the sandbox: nothing inside is on the host's disk.
"""
from __future__ import annotations

import os
import shutil
import site
import sys
from pathlib import Path

BOX = "/box"  # the run folders, a tmpfs inside
LIB = "/sandbox-lib"  # this folder (zygote.py, child.py, wire.py), read-only
SYSTEM = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin")
ETC = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/passwd", "/etc/group",
       "/etc/nsswitch.conf", "/etc/localtime", "/etc/alternatives", "/etc/ssl/certs")


def available() -> str | None:
    """The bwrap executable, or None where there is none (not Linux, not installed)."""
    if not sys.platform.startswith("linux") or os.environ.get("GRADE_NO_BWRAP"):
        return None
    return shutil.which("bwrap")


def python_dirs() -> list[str]:
    """Folders the Python installation needs (prefix, site-packages), never a course folder."""
    dirs = {sys.base_prefix, sys.prefix, *site.getsitepackages()}
    for p in sys.path:
        if p and os.path.isdir(p) and ("site-packages" in p or "dist-packages" in p):
            dirs.add(p)
    out = []
    for d in sorted(dirs):
        real = os.path.realpath(d)
        if not os.path.isdir(real):
            continue
        if (Path(real) / "solutions").exists() or (Path(real) / "course.yml").exists():
            continue  # an editable install's source tree: the course root itself
        if any(real == s or real.startswith(s + "/") for s in SYSTEM):
            continue  # already bound
        out.append(real)
    return out


WRITABLE = (BOX, "/tmp", "/dev/shm")  # the only places a student process can write to
PACKAGE = str(Path(__file__).resolve().parents[1])  # the grader's package: never visible inside


def hidden(mounted: list[str]) -> list[str]:
    """The grader's package where a mounted folder holds it (a regular install), else nothing."""
    return [PACKAGE] if any(PACKAGE.startswith(d.rstrip("/") + "/") for d in mounted) else []


def command(bwrap: str, lib: str, *, disk_mb: int) -> list[str]:
    """argv prefix that runs a program confined, with `lib` at /sandbox-lib and each writable
    folder a tmpfs of at most `disk_mb` MiB."""
    size = ["--size", str(disk_mb << 20)]
    argv = [bwrap, "--unshare-all", "--unshare-net", "--unshare-pid", "--as-pid-1", "--die-with-parent",
            "--new-session", "--cap-drop", "ALL", "--hostname", "sandbox",
            "--tmpfs", "/", "--proc", "/proc", "--dev", "/dev", *size, "--tmpfs", "/dev/shm",
            "--remount-ro", "/dev", *size, "--tmpfs", "/tmp"]
    for d in SYSTEM:
        if os.path.islink(d):
            argv += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            argv += ["--ro-bind", d, d]
    for p in ETC:
        if os.path.exists(p):
            argv += ["--ro-bind", p, p]
    mounted = python_dirs()
    for d in mounted:
        argv += ["--ro-bind", d, d]
    for d in hidden(mounted + [s for s in SYSTEM if os.path.isdir(s)]):
        argv += ["--size", "4096", "--tmpfs", d, "--remount-ro", d]
    argv += [*size, "--tmpfs", BOX, "--ro-bind", lib, LIB, "--chdir", BOX, "--remount-ro", "/"]
    return argv
