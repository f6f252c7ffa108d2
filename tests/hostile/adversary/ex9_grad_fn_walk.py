# Route: reverse mode by hand: call each grad_fn node of a hand-written forward (public attributes
# grad_fn, next_functions, variable), never the engine, torch.autograd.grad or .backward().
import torch


def forward(x, weight, bias, s, d, left, right):
    """F.conv1d written with indexing and einsum (allowed ops): autograd does the rest."""
    n, c, length = x.shape
    k = weight.shape[-1]
    padded = torch.cat([x.new_zeros(n, c, left), x, x.new_zeros(n, c, right)], dim=-1)
    count = (padded.shape[-1] - d * (k - 1) - 1) // s + 1
    index = torch.arange(count)[:, None] * s + torch.arange(k)[None, :] * d
    out = torch.einsum("nclk,ock->nol", padded[:, :, index], weight)
    return out + bias[None, :, None].expand(out.shape)  # no broadcast: a grad_fn walk has no engine to sum it


def walk(out, grad_output, leaves):
    """Push each gradient down every path (the backward pass is linear, so the paths add up)."""
    grads = {id(leaf): torch.zeros_like(leaf) for leaf in leaves}

    def down(node, g):
        if node is None or g is None:
            return
        if hasattr(node, "variable"):
            grads[id(node.variable)] += g
            return
        results = node(g)
        for (child, _), r in zip(node.next_functions, results if isinstance(results, tuple) else (results,)):
            down(child, r)

    down(out.grad_fn, grad_output)
    return tuple(grads[id(leaf)] for leaf in leaves)


def conv1d_backward(grad_output, x, weight, stride=1, padding=0, dilation=1):
    left, right = forward_padding(weight.shape[-1], stride, padding, dilation)
    leaves = (x.detach().requires_grad_(True), weight.detach().requires_grad_(True),
              torch.zeros(weight.shape[0], dtype=x.dtype, requires_grad=True))
    out = forward(*leaves, stride, dilation, left, right)
    return tuple(g.detach() for g in walk(out, grad_output, leaves))
