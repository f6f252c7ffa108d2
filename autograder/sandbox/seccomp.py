"""A seccomp filter for the student's process: no new program, process or thread, no one else touched.

Self-contained (stdlib only): the zygote loads this file and the forked child calls
install() before the submission is imported. The filter is a few classic-BPF instructions
written here (no libseccomp), for x86_64 and aarch64; any other architecture field (a 32-bit
syscall on x86_64, say) kills the process. What it refuses, with EPERM unless said:

- execve, execveat: no fresh interpreter without the harness (`python -I` was an attack);
- fork, vfork, clone: no new process and no new thread (the forbidden-call guard is per thread,
  and numpy's and torch's pools are one thread here: see spawn.child_env); clone3 gets ENOSYS so
  libc falls back to clone, which is refused;
- System V IPC and POSIX message queues: without an IPC namespace (no bubblewrap) their objects
  outlive the run and join every student of a batch, who all run as the same user;
- ptrace, process_vm_readv/writev, pidfd_open/getfd/send_signal, kcmp, process_madvise;
- kill, tgkill, rt_(tg)sigqueueinfo aimed at any process but itself, and tkill;
- socket() of any family but AF_UNIX and AF_NETLINK (no network where namespaces are missing);
- io_uring (it would run the calls above behind the filter's back), mounts and namespaces,
  bpf, keys, perf, userfaultfd, modules, kexec, reboot, swap, clocks, handles, TIOCSTI.
"""
from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

# BPF opcodes, seccomp return values and offsets in struct seccomp_data
LD_ABS, JEQ, JGE, RET = 0x20, 0x15, 0x35, 0x06
KILL_PROCESS, ALLOW = 0x80000000, 0x7FFF0000
NR, ARCH = 0, 4


def _errno(code: int) -> int:
    return 0x00050000 | code


def _arg_low(i: int) -> int:
    return 16 + 8 * i  # the low 32 bits of argument i (both architectures are little-endian)


AF_UNIX, AF_NETLINK = 1, 16
TIOCSTI, TIOCLINUX = 0x5412, 0x541C
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC = 1, 1

# name -> (x86_64, aarch64); None where the call does not exist
SYSCALLS = {
    "execve": (59, 221), "execveat": (322, 281), "fork": (57, None), "vfork": (58, None),
    "clone": (56, 220), "clone3": (435, 435), "ptrace": (101, 117),
    "process_vm_readv": (310, 270), "process_vm_writev": (311, 271),
    "kill": (62, 129), "tkill": (200, 130), "tgkill": (234, 131),
    "rt_sigqueueinfo": (129, 138), "rt_tgsigqueueinfo": (297, 240),
    "pidfd_send_signal": (424, 424), "pidfd_getfd": (438, 438), "pidfd_open": (434, 434),
    "kcmp": (312, 272), "process_madvise": (440, 440), "socket": (41, 198), "ioctl": (16, 29),
    "io_uring_setup": (425, 425), "io_uring_enter": (426, 426), "io_uring_register": (427, 427),
    "mount": (165, 40), "umount2": (166, 39), "pivot_root": (155, 41), "chroot": (161, 51),
    "unshare": (272, 97), "setns": (308, 268), "open_tree": (428, 428), "move_mount": (429, 429),
    "fsopen": (430, 430), "fsconfig": (431, 431), "fsmount": (432, 432), "fspick": (433, 433),
    "mount_setattr": (442, 442), "bpf": (321, 280), "keyctl": (250, 219), "add_key": (248, 217),
    "request_key": (249, 218), "perf_event_open": (298, 241), "userfaultfd": (323, 282),
    "kexec_load": (246, 104), "kexec_file_load": (320, 294), "init_module": (175, 105),
    "finit_module": (313, 273), "delete_module": (176, 106), "reboot": (169, 142),
    "swapon": (167, 224), "swapoff": (168, 225), "acct": (163, 89), "quotactl": (179, 60),
    "name_to_handle_at": (303, 264), "open_by_handle_at": (304, 265),
    "sethostname": (170, 161), "setdomainname": (171, 162), "settimeofday": (164, 170),
    "clock_settime": (227, 112), "clock_adjtime": (305, 266), "adjtimex": (159, 171),
    "iopl": (172, None), "ioperm": (173, None), "seccomp": (317, 277),
    "shmget": (29, 194), "shmat": (30, 196), "shmctl": (31, 195), "semget": (64, 190), "semop": (65, 193),
    "semctl": (66, 191), "semtimedop": (220, 192), "msgget": (68, 186), "msgsnd": (69, 189),
    "msgrcv": (70, 188), "msgctl": (71, 187), "mq_open": (240, 180), "mq_unlink": (241, 181),
    "mq_timedsend": (242, 182), "mq_timedreceive": (243, 183), "mq_notify": (244, 184),
    "mq_getsetattr": (245, 185),
}
REFUSED = ("execve", "execveat", "fork", "vfork", "clone", "ptrace", "process_vm_readv", "process_vm_writev",
           "tkill", "pidfd_send_signal", "pidfd_getfd", "pidfd_open", "kcmp", "process_madvise",
           "io_uring_setup", "io_uring_enter", "io_uring_register", "mount", "umount2", "pivot_root",
           "chroot", "unshare", "setns", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount",
           "fspick", "mount_setattr", "bpf", "keyctl", "add_key", "request_key", "perf_event_open",
           "userfaultfd", "kexec_load", "kexec_file_load", "init_module", "finit_module",
           "delete_module", "reboot", "swapon", "swapoff", "acct", "quotactl", "name_to_handle_at",
           "open_by_handle_at", "sethostname", "setdomainname", "settimeofday", "clock_settime",
           "clock_adjtime", "adjtimex", "iopl", "ioperm", "shmget", "shmat", "shmctl", "semget", "semop",
           "semctl", "semtimedop", "msgget", "msgsnd", "msgrcv", "msgctl", "mq_open", "mq_unlink", "mq_timedsend",
           "mq_timedreceive", "mq_notify", "mq_getsetattr")
SIGNALS_TO_SELF = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")  # first argument: a pid
ARCHES = {"x86_64": (0xC000003E, 0), "amd64": (0xC000003E, 0), "aarch64": (0xC00000B7, 1),
          "arm64": (0xC00000B7, 1)}


class _Program:
    """Instructions with symbolic jump targets, resolved to BPF's relative offsets at the end."""

    def __init__(self):
        self.code: list[tuple] = []
        self.labels: dict[str, int] = {}

    def op(self, code: int, k: int, jt: str | None = None, jf: str | None = None) -> None:
        self.code.append((code, k, jt, jf))

    def label(self, name: str) -> None:
        self.labels[name] = len(self.code)

    def ret(self, value: int) -> None:
        self.op(RET, value)

    def bytes(self) -> bytes:
        out = []
        for pc, (code, k, jt, jf) in enumerate(self.code):
            offsets = []
            for target in (jt, jf):
                off = 0 if target is None else self.labels[target] - pc - 1
                if not 0 <= off <= 255:
                    raise ValueError(f"jump to {target} out of range")
                offsets.append(off)
            out.append(struct.pack("=HBBI", code, offsets[0], offsets[1], k & 0xFFFFFFFF))
        return b"".join(out)


def program(arch: str, pid: int) -> bytes:
    """The filter for `arch` (a platform.machine() name) in the process whose pid is `pid`."""
    audit, col = ARCHES[arch]
    nr = {name: nums[col] for name, nums in SYSCALLS.items() if nums[col] is not None}
    p = _Program()
    p.op(LD_ABS, ARCH)
    p.op(JEQ, audit, "arch_ok", "kill")
    p.label("arch_ok")
    p.op(LD_ABS, NR)
    if col == 0:
        p.op(JGE, 0x40000000, "kill", None)  # the x32 ABI: other numbers, same arch field
    for name in REFUSED:
        if name in nr:
            p.op(JEQ, nr[name], "eperm", None)
    p.op(JEQ, nr["clone3"], "enosys", None)
    for name in SIGNALS_TO_SELF:
        p.op(JEQ, nr[name], "to_self", None)
    p.op(JEQ, nr["socket"], "socket", None)
    p.op(JEQ, nr["ioctl"], "ioctl", None)
    p.ret(ALLOW)
    p.label("to_self")  # the kernel reads a pid_t, so the low 32 bits are the whole argument
    p.op(LD_ABS, _arg_low(0))
    p.op(JEQ, pid, "allow", "eperm")
    p.label("socket")
    p.op(LD_ABS, _arg_low(0))
    p.op(JEQ, AF_UNIX, "allow", None)
    p.op(JEQ, AF_NETLINK, "allow", "eperm")
    p.label("ioctl")
    p.op(LD_ABS, _arg_low(1))
    p.op(JEQ, TIOCSTI, "eperm", None)
    p.op(JEQ, TIOCLINUX, "eperm", "allow")
    p.label("allow")
    p.ret(ALLOW)
    p.label("eperm")
    p.ret(_errno(errno.EPERM))
    p.label("enosys")
    p.ret(_errno(errno.ENOSYS))
    p.label("kill")
    p.ret(KILL_PROCESS)
    return p.bytes()


class _Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


_PID = 0x7FFFFFF0  # stands for the child's pid in the program built before the fork
_prepared: tuple | None = None


def prepare() -> None:
    """Build the program and load libc once, in the zygote: each forked child then only patches
    in its pid and makes two system calls (copy-on-write makes work after the fork dearer)."""
    global _prepared
    arch = platform.machine().lower()
    if os.uname().sysname == "Linux" and arch in ARCHES:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        _prepared = (arch, program(arch, _PID), libc)


def install() -> str | None:
    """Install the filter in this process (all its threads); None on success, else why not."""
    if _prepared is None:
        prepare()
    if _prepared is None:
        return f"no seccomp filter for {os.uname().sysname} on {platform.machine()}"
    arch, code, libc = _prepared
    code = code.replace(struct.pack("=I", _PID), struct.pack("=I", os.getpid()))
    buf = ctypes.create_string_buffer(code, len(code))
    prog = _Fprog(len(code) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}"
    number = SYSCALLS["seccomp"][ARCHES[arch][1]]
    if libc.syscall(ctypes.c_long(number), ctypes.c_ulong(SECCOMP_SET_MODE_FILTER),
                    ctypes.c_ulong(SECCOMP_FILTER_FLAG_TSYNC), ctypes.byref(prog)) == 0:
        return None
    if ctypes.get_errno() == errno.ENOSYS and libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER,
                                                         ctypes.byref(prog), 0, 0) == 0:
        return None
    return f"seccomp filter refused: {os.strerror(ctypes.get_errno())}"
