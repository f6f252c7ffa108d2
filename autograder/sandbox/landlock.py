"""Landlock, where there is no bubblewrap: the filesystem read-only but for the box, the course hidden.

Self-contained (stdlib only): the zygote loads this file and restricts itself once, before it
forks anyone; every student process inherits the domain and cannot leave it. Landlock grants,
it cannot deny below a grant: so a folder holding something hidden (site-packages holding
the grader's package) is granted entry by entry, down to the hidden one, which is skipped.
Where the ABI allows it, TCP is refused too, and signals and abstract unix sockets are
scoped to the domain (a classmate's sandbox in another zygote cannot be reached).
"""
from __future__ import annotations

import ctypes
import os
import stat
import struct

CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446  # the same on every architecture
CREATE_RULESET_VERSION, RULE_PATH_BENEATH = 1, 1
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | (1 << 14) | (1 << 15)  # + truncate, ioctl_dev
READ = EXECUTE | READ_FILE | READ_DIR
PR_SET_NO_NEW_PRIVS = 38


def _all_fs(abi: int) -> int:
    last = {1: 12, 2: 13, 3: 14, 4: 14}.get(abi, 15)  # refer came in ABI 2, truncate 3, ioctl_dev 5
    return (1 << (last + 1)) - 1


def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def abi() -> int:
    """Landlock's ABI version on this kernel, 0 where there is none."""
    if os.uname().sysname != "Linux":
        return 0
    try:
        version = _libc().syscall(ctypes.c_long(CREATE_RULESET), None, ctypes.c_size_t(0),
                                  ctypes.c_uint32(CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


def _grants(path: str, hidden: list[str]) -> list[str]:
    """`path` itself, or, when something hidden lies below it, its entries (recursively) but that."""
    real = os.path.realpath(path)
    if any(real == h for h in hidden):
        return []
    if not any(h.startswith(real.rstrip("/") + "/") for h in hidden) or not os.path.isdir(real):
        return [real]
    out = []
    for name in sorted(os.listdir(real)):
        out += _grants(os.path.join(real, name), hidden)
    return out


CAPSET, CAP_VERSION_3, CAP_DAC_READ_SEARCH = {"x86_64": 126, "aarch64": 91}, 0x20080522, 2
PR_SET_KEEPCAPS = 8


def become(uid: int, gid: int, *, keep_read_search: bool = False) -> None:
    """Become uid:gid with no supplementary groups. With `keep_read_search`, keep one capability,
    CAP_DAC_READ_SEARCH, so that a Python installation the user may not read (under /root, say)
    stays importable: only call it once restrict() succeeded, so that Landlock, not file
    permissions, decides what can be read. Raises OSError if any step fails."""
    libc = _libc()
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    if keep_read_search and libc.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_KEEPCAPS)")
    os.setresuid(uid, uid, uid)
    if keep_read_search:
        number = CAPSET.get(os.uname().machine)
        if number is None:
            raise OSError(0, f"capset on {os.uname().machine}")
        header = ctypes.create_string_buffer(struct.pack("=Ii", CAP_VERSION_3, 0), 8)
        bit = 1 << CAP_DAC_READ_SEARCH  # effective, permitted, inheritable; then the upper 32 caps: none
        data = ctypes.create_string_buffer(struct.pack("=6I", bit, bit, 0, 0, 0, 0), 24)
        if libc.syscall(ctypes.c_long(number), header, data) != 0:
            raise OSError(ctypes.get_errno(), "capset")
        libc.prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0)


def restrict(read: list[str], write: list[str], hidden: list[str], devices: list[str] = ()) -> str | None:
    """Restrict this process (and what it forks) to reading `read`, writing under `write` and
    to the files `devices` (/dev/null...), nothing under `hidden`; None on success, else why not."""
    version = abi()
    if version < 1:
        return "Landlock is not available on this kernel"
    libc = _libc()
    hidden = [os.path.realpath(h) for h in hidden]
    attr = struct.pack("=Q", _all_fs(version))
    if version >= 4:
        attr += struct.pack("=Q", 0b11)  # handled TCP bind and connect, none granted
    if version >= 6:
        attr += struct.pack("=Q", 0b11)  # scoped: abstract unix sockets and signals
    buf = ctypes.create_string_buffer(attr, len(attr))
    ruleset = libc.syscall(ctypes.c_long(CREATE_RULESET), buf, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0))
    if ruleset < 0:
        return f"landlock_create_ruleset failed: {os.strerror(ctypes.get_errno())}"
    try:
        rules = [(p, READ) for d in read for p in _grants(d, hidden)]
        rules += [(os.path.realpath(d), _all_fs(version)) for d in write]
        rules += [(d, READ_FILE | WRITE_FILE) for d in devices]
        for path, access in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # gone, or not ours to see: not granted
            try:
                if not stat.S_ISDIR(os.fstat(fd).st_mode):
                    access &= FILE_RIGHTS  # a file takes file rights only
                rule = struct.pack("=Qi", access & _all_fs(version), fd)
                rbuf = ctypes.create_string_buffer(rule, len(rule))
                if libc.syscall(ctypes.c_long(ADD_RULE), ctypes.c_int(ruleset), ctypes.c_int(RULE_PATH_BENEATH),
                                rbuf, ctypes.c_uint32(0)) != 0:
                    return f"landlock_add_rule({path}) failed: {os.strerror(ctypes.get_errno())}"
            finally:
                os.close(fd)
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}"
        if libc.syscall(ctypes.c_long(RESTRICT_SELF), ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return f"landlock_restrict_self failed: {os.strerror(ctypes.get_errno())}"
        return None
    finally:
        os.close(ruleset)
