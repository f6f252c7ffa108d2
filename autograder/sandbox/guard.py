"""Forbidden calls, refused in the student's process while a graded function runs.

Loaded by child.py (never by the grader); only the stdlib and torch are used.

Torch: every route to an op (F.conv1d, torch._C._VariableFunctionsClass, torch.ops.aten, a
Tensor method, vmap, functionalize, inference mode) meets at the dispatcher, so one
TorchDispatchMode, pushed only while a graded function runs, sees each op the student's code
calls, after CompositeImplicit decomposition (F.conv1d arrives as aten.convolution) and
without the ops a kernel calls inside (so slicing, which never reaches the mode as
as_strided, keeps working). Ops are matched by name against course.yml's patterns.
For autograd rules: no op whose tensor inputs require grad under grad mode (no graph is
built), none inside the autograd engine (no backward of a graph built at import), none at
a forward-AD level; torch.func's gradient transforms are guarded by name (they work on
wrapped tensors the mode never sees).

Other libraries (numpy) have no dispatcher: their functions are replaced by name, in every
loaded module that holds them, by a wrapper that refuses only while armed. Reaching the
originals needs private attributes, gc or frames, which the static policy (forbidden.py)
refuses before anything runs.

A refusal raises Refused and is recorded in `hits`, so a student who catches the exception
is still refused. Module-level code (import time) runs unguarded.
"""
from __future__ import annotations

import contextlib
import fnmatch
import os
import sys

hits: list[str] = []
_state = {"armed": False, "exercise": "this exercise"}
_ops: list[tuple[str, str]] = []  # (pattern, what it is reached through)
_autograd = False
_verdicts: dict[object, str | None] = {}  # OpOverload -> refusal text or None, cached
_mode = None
_UNSEEN = object()
_ALLOWED_NAMESPACES = ("aten", "prims")

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
    _autograd = bool(rules.get("autograd"))
    for dotted, via in rules.get("names", []):
        _guard_name(str(dotted), str(via))
    if _autograd:
        _guard_grad_transforms()
    if _ops or _autograd:
        _mode = _make_mode()


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


def _verdict(func) -> str | None:
    """Why this op is refused (its pattern's `via`), or None; cached per op overload."""
    try:
        return _verdicts[func]
    except KeyError:
        pass
    namespace, name = func.namespace, func._opname
    verdict = None
    if namespace not in _ALLOWED_NAMESPACES:
        verdict = f"torch.ops.{namespace}"
    else:
        verdict = next((via for pattern, via in _ops if fnmatch.fnmatchcase(name, pattern)), None)
    _verdicts[func] = verdict
    return verdict


def _make_mode():
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode

    verdicts = _verdicts
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
            via = verdicts.get(func, _UNSEEN)  # the fast path: one dict lookup per op
            if via is _UNSEEN:
                via = _verdict(func)
            if via is not None:
                refuse(f"{func.namespace}.{func._opname}", via)
            if _autograd:
                if current_node() is not None:
                    refuse("the autograd engine (backward, torch.autograd.grad)", "a graph built earlier")
                if forward_ad_level() >= 0:
                    refuse("forward-mode autograd (dual tensors)", "torch.autograd.forward_ad or torch.func.jvp")
                if grad_enabled() and any(isinstance(a, tensor) and a.requires_grad
                                          for a in _flat(args, kwargs)):
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


def _wrapper(original, what: str, via: str):
    def guarded(*args, **kwargs):
        if _state["armed"]:
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


def _guard_name(dotted: str, via: str) -> None:
    """Replace a function (or every public function of a module, `module.*`) by an armed wrapper,
    in every loaded module of its package that holds it; a module not imported is imported now
    (numpy's are, at the zygote's start), so `from x import f` at import time binds the wrapper."""
    base = dotted[:-2] if dotted.endswith(".*") else dotted
    module_name = base if dotted.endswith(".*") else base.rsplit(".", 1)[0]
    try:
        __import__(module_name)
    except ImportError:
        return
    found = resolve(base)
    if found is None:
        return
    owner, attr, obj = found
    if type(obj).__name__ == "module":
        targets = {f"{base}.{n}": v for n, v in vars(obj).items()
                   if callable(v) and not n.startswith("_") and type(v).__name__ != "module"}
    else:
        targets = {base: obj}
    guards = {}
    for name, value in targets.items():
        if getattr(value, "__guarded__", False) or id(value) in guards:
            continue
        guards[id(value)] = _wrapper(value, name, via)
    _replace_everywhere(guards, (base.split(".")[0],))


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
