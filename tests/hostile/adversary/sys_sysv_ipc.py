# Attack: System V shared memory outlives the process and is shared by everyone of the same uid (and,
# without an IPC namespace, by every sandbox of a batch): a channel to the next student, and litter.
# The key is derived from the run's token, so the test can look for exactly this segment.
import ctypes

KEY = int("@@TOKEN@@"[3:11], 16) & 0x7FFFFFFF
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
shmid = libc.shmget(KEY, 4096, 0o1000 | 0o666)  # IPC_CREAT
if shmid >= 0:
    address = libc.shmat(shmid, None, 0)
    if address not in (None, ctypes.c_void_p(-1).value):
        ctypes.memmove(address, b"answers for the next student", 28)
