# Attack: fill the disk from the sandbox. Files of 16 MiB (under any per-file limit) in the working
# folder, /tmp and /dev/shm, up to 640 MiB in all; then say how much got written, and clean up.
import pathlib

CHUNK = b"\0" * (16 << 20)


def fill():
    written, made = 0, []
    for folder in (pathlib.Path("."), pathlib.Path("/tmp"), pathlib.Path("/dev/shm")):
        for i in range(40):
            if written >= 640 << 20:
                return written, made
            path = folder / f"@@TOKEN@@-fill-{i}"
            try:
                with path.open("wb") as f:
                    f.write(CHUNK)
                    f.flush()
                made.append(path)
                written += len(CHUNK)
            except OSError:
                break
    return written, made


WRITTEN, MADE = fill()  # at import (its limit is seconds, not a case's): the number is kept for the message
for made in MADE:
    try:
        made.unlink()
    except OSError:
        pass


def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    raise ValueError(f"WROTE {WRITTEN}")
