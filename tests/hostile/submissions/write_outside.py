# Appended to the reference solution: tries to leave files outside its working directory.
import os

_targets = ["../hostile-marker-parent", "/tmp/hostile-marker-tmp", os.path.expanduser("~/../hostile-marker-home"),
            "/work/main/hostile-marker-course", "/root/hostile-marker-root", "/hostile-marker-root-dir"]
for _t in _targets:
    try:
        with open(_t, "w") as _f:
            _f.write("pwned")
    except OSError:
        pass
