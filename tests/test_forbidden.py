"""forbidden.py: the static check reads the source, every static route, with file and line."""
from __future__ import annotations

import textwrap

from autograder.forbidden import by_function, scan

FORBIDDEN = ("torch.nn.functional.conv1d", "numpy.lib.stride_tricks.*", "scipy.signal.*")


def found(source: str, forbidden=FORBIDDEN, functions=("f", "g", "h")) -> dict[str, str]:
    text = textwrap.dedent(source)
    return {fn: f.message() for fn, f in by_function(scan(text, forbidden, filename="ex.py"), functions, text).items()}


def test_aliases_from_imports_and_assignments():
    assert found("""
        import torch.nn.functional as F
        from torch.nn.functional import conv1d as c
        def f(x, w):
            return F.conv1d(x, w)
        def g(x, w):
            return c(x, w)
        conv = F.conv1d
        def h(x, w):
            return conv(x, w)
    """) == {"f": "ex.py:5: uses torch.nn.functional.conv1d, which is not allowed in this exercise",
             "g": "ex.py:7: uses torch.nn.functional.conv1d, which is not allowed in this exercise",
             "h": "ex.py:10: uses torch.nn.functional.conv1d, which is not allowed in this exercise"}


def test_torch_twins_of_a_forbidden_function():
    assert found("""
        import torch
        def f(x, w):
            return torch.conv1d(x, w)
        def g(x, w):
            return torch.ops.aten.conv1d(x, w)
        def h(x, w):
            return torch._C._VariableFunctions.conv1d(x, w)
    """) == {"f": "ex.py:4: uses torch.conv1d, which is not allowed in this exercise",
             "g": "ex.py:6: uses torch.ops.aten.conv1d, which is not allowed in this exercise",
             "h": "ex.py:8: uses torch._C._VariableFunctions.conv1d, which is not allowed in this exercise"}


def test_names_built_at_run_time():
    messages = found("""
        import torch.nn.functional as F
        def f(x):
            return getattr(F, "conv" + "1d")(x)
        def g(x):
            return __import__("torch").conv1d(x)
        def h(x):
            import importlib
            return importlib.import_module("torch")
    """)
    assert messages["f"].startswith("ex.py:4: getattr(torch.nn.functional, <a name built at run time>)")
    assert messages["g"].startswith("ex.py:6: __import__()")
    assert messages["h"].startswith("ex.py:8: importlib")


def test_allowed_uses_of_the_same_modules_are_not_findings():
    assert found("""
        import numpy as np
        import torch.nn.functional as F
        def f(x):
            return F.relu(x) + getattr(F, "relu")(x) + np.lib.pad(x, 1)
        def g(x):
            return getattr(x, "shape" + "")
    """) == {}
    assert found("import torch.nn.functional as F\ndef f(x):\n    return F.conv1d(x)\n", forbidden=()) == {}


def test_module_wildcards_and_from_imports():
    assert found("""
        from scipy import signal
        import numpy as np
        def f(x):
            return signal.correlate(x, x)
        def g(x):
            return np.lib.stride_tricks.as_strided(x)
    """) == {"f": "ex.py:5: uses scipy.signal.correlate, which is not allowed in this exercise",
             "g": "ex.py:7: uses numpy.lib.stride_tricks.as_strided, which is not allowed in this exercise"}


def test_a_helper_taints_its_callers_and_module_level_code_taints_all():
    assert found("""
        import torch.nn.functional as F
        def helper(x):
            return F.conv1d(x, x)
        def f(x):
            return helper(x)
        def g(x):
            return x
    """) == {"f": "ex.py:4: uses torch.nn.functional.conv1d, which is not allowed in this exercise"}
    everywhere = found("""
        import torch
        getattr(torch, "x" + "y")
        def f(x):
            return x
    """, functions=("f",))
    assert everywhere["f"].startswith("ex.py:3: getattr(torch, <a name built at run time>)")


def test_the_source_is_never_run():
    assert found("raise SystemExit('imported!')\nimport torch.nn.functional as F\ndef f(x):\n    return F.conv1d(x)\n") \
        == {"f": "ex.py:4: uses torch.nn.functional.conv1d, which is not allowed in this exercise"}
    assert found("def f(:\n") == {}  # a syntax error is the import's to report
