# Shared body of the "disarm" attacks: with a `find(dotted)` that reaches any object (defined by
# each route above this line, with an `operator` module), undo every guard a grader can put in the
# student's own process, then call the original convolution. Names are built at run time (U = "_"), so no private or
# dunder name appears in the source.
import torch

U = chr(95)


def name(dotted):
    return dotted.replace("~", U)


def tried(fn, *args):
    try:
        return fn(*args)
    except BaseException:
        return None


def cheat_conv1d(x, w, b, stride, padding, dilation):
    """Pop every mode off the thread's stacks (dispatch and function modes), call the original op
    with Python dispatch off, and push the modes back so the harness's own exit finds them."""
    C = find(name("torch.~C"))
    stacks = []
    for length, pop, push in (("torch.~C.~len~torch~dispatch~stack", "torch.utils.~python~dispatch.~pop~mode",
                               "torch.utils.~python~dispatch.~push~mode"),
                              ("torch.~C.~len~torch~function~stack", "torch.overrides.~pop~mode",
                               "torch.overrides.~push~mode")):
        count, pop_fn = find(name(length)), find(name(pop))
        popped = [tried(pop_fn) for _ in range((tried(count) or 0) if pop_fn else 0)]
        stacks.append((find(name(push)), popped))
    for hook in ("sys.setprofile", "sys.settrace", "threading.setprofile", "threading.settrace"):
        fn = find(hook)
        if fn is not None:
            tried(fn, None)
    quiet = tried(operator.methodcaller(name("~DisableTorchDispatch")), C)
    try:
        if quiet is not None:
            operator.methodcaller(name("~~enter~~"))(quiet)
        return find(name("torch.~C.~VariableFunctionsClass.conv1d"))(x, w, b, stride, padding, dilation)
    finally:
        if quiet is not None:
            operator.methodcaller(name("~~exit~~"), None, None, None)(quiet)
        for push, popped in stacks:
            for mode in reversed(popped):
                if mode is not None and push is not None:
                    tried(push, mode)


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    if x.ndim == 2:
        return conv1d(x[None], weight, bias, stride, padding, dilation)[0]
    return cheat_conv1d(x, weight, bias, stride, padding, dilation)
