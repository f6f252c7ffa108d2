# Attack: leave files in every shared temporary folder (a channel to the next student, or litter).
import pathlib

for folder in ("/tmp", "/dev/shm", "/var/tmp"):
    try:
        (pathlib.Path(folder) / "@@TOKEN@@-drop").write_text("left behind\n")
    except OSError:
        pass
