"""The bubblewrap command line that confines the zygote (and so every student process).

What it gives, on Linux with Debian's `bubblewrap` package: no network (--unshare-net); a
pid namespace whose pid 1 is the zygote (--unshare-pid --as-pid-1), so one kill(-1) ends
every student process and the whole namespace dies with the grader (--die-with-parent);
no capabilities; a filesystem made of read-only binds of the system and the Python
installation; what is the grader's own (its package, the course, the class, the gradebook and
the report: grader_paths) hidden under empty read-only tmpfs wherever those binds would show it
(a regular install, a course kept under /usr); and only size-capped tmpfs to write to:
/box (the run folders), /tmp and /dev/shm, all emptied by the zygote between runs. /dev is
read-only. Nothing writable inside is on the host's disk.
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


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def python_homes() -> list[str]:
    """Real paths of the Python installation's folders (prefixes, site-packages), wherever they are."""
    dirs = {sys.base_prefix, sys.prefix, *site.getsitepackages()}
    for p in sys.path:
        if p and os.path.isdir(p) and ("site-packages" in p or "dist-packages" in p):
            dirs.add(p)
    out = set()
    for d in dirs:
        real = os.path.realpath(d)
        if not os.path.isdir(real):
            continue
        if (Path(real) / "solutions").exists() or (Path(real) / "course.yml").exists():
            continue  # an editable install's source tree: the course root itself
        out.add(real)
    return sorted(out)


def python_dirs() -> list[str]:
    """The Python homes to bind: those the system folders do not already hold."""
    return [d for d in python_homes() if not any(_within(d, s) for s in SYSTEM)]


WRITABLE = (BOX, "/tmp", "/dev/shm")  # the only places a student process can write to
PACKAGE = str(Path(__file__).resolve().parents[1])  # the grader's package: never visible inside
COURSE_FILE, COURSE_ROOT_ENV, SALT_FILE_ENV = "course.yml", "CONV_COURSE_ROOT", "CONV_COURSE_SALT_FILE"


def _course_root() -> str | None:
    """The root course.find_root() gives (not imported: pydantic would delay the zygote's start)."""
    if os.environ.get(COURSE_ROOT_ENV):
        return os.environ[COURSE_ROOT_ENV]
    try:
        here = Path.cwd().resolve()
    except OSError:
        here = Path(PACKAGE)
    for folder in (here, *here.parents, Path(PACKAGE).parent):
        if (folder / COURSE_FILE).is_file():
            return str(folder)
    return None


def grader_paths(argv: list[str] | None = None) -> list[str]:
    """Real paths of what belongs to the grader, wherever it lies: its package, the course root it
    loads by default, its working folder, every existing path its command line names (the course,
    the submissions, the class, the gradebook, the report: a file stands for its folder) and the
    salt file's folder. Nothing of these is needed inside; the command line is readable by anyone
    in /proc, so a path named there is the first place a student looks. Run once per zygote start."""
    try:
        here = os.getcwd()
    except OSError:
        here = None
    found = [PACKAGE, here, _course_root(), os.environ.get(SALT_FILE_ENV)]
    for arg in sys.argv[1:] if argv is None else argv:
        found.append(arg.partition("=")[2] if arg.startswith("--") else arg)  # --opt=path, or a path
    out = set()
    for p in found:
        if not p or p.startswith("-"):
            continue
        try:
            real = os.path.realpath(os.path.abspath(p))
            if os.path.isfile(real) or (not os.path.exists(real) and "/" in p):
                real = os.path.dirname(real)  # a report or gradebook not written yet: its folder
            if os.path.isdir(real):
                out.add(real)
        except (OSError, ValueError):
            continue
    return sorted(out)


def hidden(paths: list[str] | None = None) -> list[str]:
    """The grader's paths that can be hidden, outermost first: never a system folder, one that holds one,
    or a Python home itself (a Python home inside one stays visible: see masks)."""
    system = [os.path.realpath(s) for s in SYSTEM if os.path.isdir(s)]
    homes = python_homes()
    found = [p for p in (grader_paths() if paths is None else paths)
             if not any(_within(s, p) for s in system) and p not in homes]
    # nothing can be mounted inside a folder already covered read-only: one inside another is left out,
    # unless a Python home lies between them (the outer one is covered around it, the inner one is not)
    return [p for p in found if not any(_within(p, q) and p != q and not any(_within(p, h) and _within(h, q)
                                                                             for h in homes) for q in found)]


def masks(path: str, keep: list[str]) -> list[str]:
    """What to cover to hide `path`: itself, or where something to `keep` lies below it (a virtual
    environment inside the course), each of its other entries, recursively."""
    if path in keep:
        return []
    if not any(_within(k, path) for k in keep):
        return [path]
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return []  # not even ours to list: covering it would hide what must stay (and bwrap sees as we do)
    out = []
    for name in names:
        entry = os.path.join(path, name)
        if any(_within(k, entry) for k in keep):
            out += masks(entry, keep)
        elif not os.path.islink(entry):  # a link shows only what its target's own path shows
            out.append(entry)
    return out


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
    shown = mounted + [s for s in SYSTEM if os.path.isdir(s)]
    homes = python_homes()
    for h in hidden():
        if not any(_within(h, d) and h != d for d in shown):
            continue  # not mounted: nothing to hide
        for m in masks(h, homes):
            if os.path.isdir(m):
                argv += ["--size", "4096", "--tmpfs", m, "--remount-ro", m]
            elif os.path.isfile(m):
                argv += ["--ro-bind", "/dev/null", m]
    argv += [*size, "--tmpfs", BOX, "--ro-bind", lib, LIB, "--chdir", BOX, "--remount-ro", "/"]
    return argv
