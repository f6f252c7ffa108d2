"""Forbidden calls, refused in the student's process while a graded function runs.

Loaded by child.py (never by the grader); only the stdlib and torch are used.

Torch: every route to an op (F.conv1d, torch._C._VariableFunctionsClass, torch.ops.aten, a
Tensor method, vmap, functionalize, inference mode) meets at the dispatcher. Each forbidden op
(course.yml's patterns, matched against every registered op name, and every op outside the
aten namespace) gets a kernel at the BackendSelect key, which every call of it passes on its
way to the backend, on any thread, in inference mode or under vmap, after CompositeImplicit
decomposition (F.conv1d arrives as aten.convolution). The kernel refuses while armed and
otherwise hands the call on: global, and free for every op that is not forbidden.
Window ops (as_strided, set_, unfold) are judged only in their autograd slot,
which calls from Python reach but honest ops' kernels (slicing, repeat, diagonal: views made
through as_strided) do not. Inference mode skips that slot, so entering it is refused while armed.
For autograd rules a TorchDispatchMode, pushed only while a graded function runs, refuses any
op whose tensor inputs require grad under grad mode (no graph is built), any inside the
autograd engine (no backward of a graph built at import) and any at a forward-AD level;
torch.func's gradient transforms are guarded by name (they work on wrapped tensors).

Other libraries (numpy) have no dispatcher: their functions are replaced by name, in every
loaded module that holds them, by a wrapper that refuses only while armed. Reaching the
originals needs private attributes, gc or frames, which the static policy (forbidden.py)
refuses before anything runs.

A refusal raises Refused and is recorded in `hits`, so a student who catches the exception
is still refused. Module-level code (import time) runs unguarded, except for the groups marked
`at_import` (window ops: a window made at import would be sliced during the graded call), which
importing() refuses too.

The autograd mode is thread-local, so no thread may exist beside the student's: install() makes
starting a thread fail for the rest of the process (threading and _thread are reached only
through names the static policy refuses, so the originals cannot be put back).
"""
from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import sys
import warnings

hits: list[str] = []
_state = {"armed": False, "importing": False, "exercise": "this exercise"}
_ops: list[tuple[str, str]] = []  # (pattern, what it is reached through)
_import_ops: list[tuple[str, str]] = []  # refused at import time too
_autograd = False
_mode = None
_libraries: dict = {}  # namespace -> torch.library.Library holding our kernels (kept alive)
_ALLOWED_NAMESPACES = ("aten", "prims")
# ops that make a view from explicit sizes and strides (or unfold's windows): refused only when
# called from Python, never from inside an honest op's kernel (see _install_kernels)
_VIEW_MAKERS = ("as_strided", "as_strided_", "as_strided_copy", "as_strided_scatter", "set_", "unfold")

# torch.func's gradient transforms all enter these (torch._functorch.eager_transforms)
_GRAD_TRANSFORMS = ("_grad_increment_nesting", "_jvp_increment_nesting")


class Refused(Exception):
    pass


def install(rules: dict | None) -> None:
    """Set the exercise's rules up (before the submission is imported); nothing is armed yet."""
    global _autograd, _mode
    if not rules:
        return
    _state["exercise"] = rules.get("exercise") or "this exercise"
    _ops[:] = [(str(p), str(via)) for p, via in rules.get("ops", [])]
    _import_ops[:] = [(str(p), str(via)) for p, via in rules.get("import_ops", [])]
    _autograd = bool(rules.get("autograd"))
    at_import = {str(d) for d in rules.get("import_names", [])}
    guards: dict = {}  # every name's wrapper first, then one pass over the loaded modules (not one per name)
    roots: set[str] = set()
    for dotted, via in rules.get("names", []):
        roots |= _guard_name(str(dotted), str(via), str(dotted) in at_import, guards)
    if guards:
        _replace_everywhere(guards, tuple(sorted(roots)))
    if _autograd:
        _guard_grad_transforms()
        _mode = _make_mode()
    if _ops:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _install_kernels()
        _guard_inference_mode()
    _no_threads()


@contextlib.contextmanager
def importing():
    """While the submission is imported: only the `at_import` groups (window ops) are refused."""
    _state["importing"] = True
    try:
        yield
    finally:
        _state["importing"] = False


def _no_threads() -> None:
    """Starting a thread fails from now on: the dispatch mode would not be on it."""
    import _thread
    import threading

    def refused(*args, **kwargs):
        refuse("starting a thread", "threading")

    for owner, name in ((_thread, "start_new_thread"), (_thread, "start_new"), (_thread, "start_joinable_thread"),
                        (threading, "_start_new_thread"), (threading, "_start_joinable_thread")):
        if hasattr(owner, name):
            setattr(owner, name, refused)


@contextlib.contextmanager
def armed():
    """While a graded function runs: the dispatcher guard is on and name guards refuse."""
    if _state["armed"]:  # already armed: one level only
        yield
        return
    _state["armed"] = True
    try:
        if _mode is None:
            yield
        else:
            with _mode():
                yield
    finally:
        _state["armed"] = False


def refuse(what: str, via: str = "") -> None:
    """Record and raise one refusal, naming the student's file:line that led to it."""
    where = _student_line()
    reached = f" (reached through {via})" if via else ""
    message = f"{what}{reached} is not allowed in {_state['exercise']}"
    hits.append(f"{where}: {message}" if where else message)
    raise Refused(hits[-1])


def _student_line() -> str:
    """file:line of the innermost frame in the submission's folder (the working directory)."""
    here = os.getcwd()
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if os.path.dirname(os.path.abspath(name)) == here:
            return f"{os.path.basename(name)}:{frame.f_lineno}"
        frame = frame.f_back
    return ""


# -- torch: the dispatcher


def _matcher(ops):
    """(namespace, name) -> the `via` of the first pattern that matches, or None; one regex per pattern."""
    compiled = [(re.compile(fnmatch.translate(pattern)), via) for pattern, via in ops]
    # one regex for all first: most of the ~3000 ops match none (install time is each run's start-up)
    anyone = re.compile("|".join(f"(?:{fnmatch.translate(pattern)})" for pattern, _ in ops)) if ops else None

    def match(namespace: str, name: str) -> str | None:
        if namespace not in _ALLOWED_NAMESPACES:
            return f"torch.ops.{namespace}"
        if anyone is None or not anyone.match(name):
            return None
        return next((via for pattern, via in compiled if pattern.match(name)), None)

    return match


def _install_kernels() -> None:
    """A BackendSelect kernel for every registered op the rules forbid (see the module docstring)."""
    import torch

    after = torch._C._dispatch_keyset_full_after(torch._C.DispatchKey.BackendSelect)
    below_autograd = torch._C._after_autograd_keyset
    forbidden, at_import_too = _matcher(_ops), _matcher(_import_ops)
    has_kernel = torch._C._dispatch_has_kernel_for_dispatch_key
    for qualified in torch._C._dispatch_get_all_op_names():
        namespace, _, rest = qualified.partition("::")
        name, _, overload = rest.partition(".")
        if namespace == "prims":
            continue
        via = forbidden(namespace, name)
        at_import = at_import_too(namespace, name) if _import_ops and namespace in _ALLOWED_NAMESPACES else None
        if via is None and at_import is None:
            continue
        if has_kernel(qualified, "BackendSelect"):
            continue  # a factory (fft_fftfreq): its own BackendSelect kernel picks the backend
        if name in _VIEW_MAKERS:
            # honest ops (slicing, repeat) call these inside their kernels, below autograd: only the
            # calls made from Python (and from CompositeImplicit ops) reach the autograd slot
            keys = [("AutogradCPU", below_autograd)]
        else:
            # a CompositeImplicit op (max_pool1d) may compute without calling another op: it is caught
            # in its autograd slot too (and at BackendSelect in inference mode, which skips autograd)
            keys = [("BackendSelect", after)]
            if has_kernel(qualified, "CompositeImplicitAutograd"):
                keys.append(("AutogradCPU", below_autograd))  # direct: the Autograd alias loses to CompositeImplicit
        try:
            library = _libraries.get(namespace) or _libraries.setdefault(namespace, torch.library.Library(namespace, "IMPL"))
            for key, below in keys:  # (overriding CompositeImplicit's autograd slot warns: silenced by install)
                library.impl(rest, _kernel(namespace, name, overload or "default", via, at_import, below), key,
                             with_keyset=True)
        except RuntimeError:
            continue  # an op torch cannot take a Python kernel for: not reachable from Python either


def _kernel(namespace: str, name: str, overload: str, via: str | None, at_import: str | None, below):
    state = _state
    found = []  # the OpOverload, resolved at the first call (resolving ~700 at install costs 0.2 s)

    def kernel(keyset, *args, **kwargs):
        if state["armed"] or (at_import is not None and state["importing"]):
            suffix = "" if state["armed"] else " at import time"
            refuse(f"{namespace}.{name}{suffix}", via if state["armed"] else at_import)
        if not found:
            import torch

            found.append(getattr(getattr(getattr(torch.ops, namespace), name), overload))
        return found[0].redispatch(keyset & below, *args, **kwargs)

    return kernel


def _guard_inference_mode() -> None:
    """Inference mode skips the autograd slot, where the view makers are judged, and its tensors lack
    that slot for good: entering it is refused while armed (and at import when windows are)."""
    from torch.autograd import grad_mode

    original = grad_mode.inference_mode.__enter__

    def enter(self):
        if self.mode and (_state["armed"] or (_import_ops and _state["importing"])):
            refuse("torch.inference_mode", "")
        return original(self)

    grad_mode.inference_mode.__enter__ = enter


def _make_mode():
    """The autograd rules (exercise9): no graph, no engine, no forward AD while armed."""
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode

    current_node = torch._C._current_autograd_node
    grad_enabled = torch.is_grad_enabled
    tensor = torch.Tensor

    def forward_ad_level() -> int:
        from torch.autograd import forward_ad

        return forward_ad._current_level

    class Guard(TorchDispatchMode):
        @classmethod
        def _should_skip_dynamo(cls):  # no dynamo-disable wrapper: it imports torch._dynamo (seconds)
            return False

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            if current_node() is not None:
                refuse("the autograd engine (backward, torch.autograd.grad)", "a graph built earlier")
            if forward_ad_level() >= 0:
                refuse("forward-mode autograd (dual tensors)", "torch.autograd.forward_ad or torch.func.jvp")
            if grad_enabled() and any(isinstance(a, tensor) and a.requires_grad for a in _flat(args, kwargs)):
                refuse(f"building an autograd graph ({func.namespace}.{func._opname} on a tensor that "
                       f"requires grad)", "requires_grad=True")
            return func(*args, **(kwargs or {}))

    return Guard


def _flat(args, kwargs):
    for a in args:
        if isinstance(a, (list, tuple)):
            yield from a
        else:
            yield a
    if kwargs:
        yield from kwargs.values()


def _guard_grad_transforms() -> None:
    import torch._functorch.eager_transforms as eager

    what = "torch.func's gradient transforms (grad, vjp, jvp, jacrev, jacfwd, hessian)"
    guards = {id(f): _wrapper(f, what, "") for f in (getattr(eager, n, None) for n in _GRAD_TRANSFORMS) if f}
    _replace_everywhere(guards, ("torch._functorch", "torch.func"))


# -- other libraries: by name


def _wrapper(original, what: str, via: str, at_import: bool = False):
    def guarded(*args, **kwargs):
        if _state["armed"] or (at_import and _state["importing"]):
            refuse(what, via)
        return original(*args, **kwargs)
    guarded.__name__ = getattr(original, "__name__", "guarded")
    guarded.__doc__ = getattr(original, "__doc__", None)
    guarded.__guarded__ = True
    return guarded


def resolve(dotted: str):
    """(owner, attribute, object) for a dotted name among loaded modules, or None."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        obj = sys.modules.get(".".join(parts[:i]))
        if obj is None:
            continue
        owner, name = None, None
        for attr in parts[i:]:
            if type(obj).__name__ == "module" and attr not in vars(obj):
                return None  # not module.__getattr__: it could import (or warn) now
            owner, name, obj = obj, attr, getattr(obj, attr, None)
            if obj is None:
                return None
        return owner, name, obj
    return None


def _guard_name(dotted: str, via: str, at_import: bool, guards: dict) -> set[str]:
    """Add to `guards` (original's id -> wrapper; the first rule naming a function wins) an armed
    wrapper for a function (or every public function of a module, `module.*`), which install()
    puts in every loaded module of its package that holds it (the roots returned); a module not
    imported is imported now (numpy's are, at the zygote's start), so `from x import f` at import
    time binds the wrapper."""
    base = dotted[:-2] if dotted.endswith(".*") else dotted
    module_name = base if dotted.endswith(".*") else base.rsplit(".", 1)[0]
    try:
        __import__(module_name)
    except ImportError:
        return set()
    found = resolve(base)
    if found is None:
        return set()
    owner, attr, obj = found
    if type(obj).__name__ == "module":
        targets = {f"{base}.{n}": v for n, v in vars(obj).items()
                   if callable(v) and not n.startswith("_") and type(v).__name__ != "module"}
    else:
        targets = {base: obj}
    for name, value in targets.items():
        if getattr(value, "__guarded__", False) or id(value) in guards:
            continue
        guards[id(value)] = _wrapper(value, name, via, at_import)
    return {base.split(".")[0]}


def _replace_everywhere(guards: dict, roots: tuple[str, ...]) -> None:
    """Each original (by id) replaced by its guard wherever a loaded module of these packages holds it."""
    for modname, mod in list(sys.modules.items()):
        if mod is None or not (modname in roots or modname.startswith(tuple(r + "." for r in roots))):
            continue
        try:
            items = list(vars(mod).items())
        except TypeError:
            continue
        for attr, value in items:
            guard = guards.get(id(value))
            if guard is not None and guard is not value:
                try:
                    setattr(mod, attr, guard)
                except (AttributeError, TypeError):
                    pass
