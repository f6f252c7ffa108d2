# Route: torch.func.vjp of a hand-written forward (functorch's own path to the gradients).
import torch
import torch.func


def forward(x, weight, bias, s, d, left, right):
    """F.conv1d written with indexing and einsum (allowed ops): autograd does the rest."""
    n, c, length = x.shape
    k = weight.shape[-1]
    padded = torch.cat([x.new_zeros(n, c, left), x, x.new_zeros(n, c, right)], dim=-1)
    count = (padded.shape[-1] - d * (k - 1) - 1) // s + 1
    index = torch.arange(count)[:, None] * s + torch.arange(k)[None, :] * d
    out = torch.einsum("nclk,ock->nol", padded[:, :, index], weight)
    return out + bias[None, :, None].expand(out.shape)  # no broadcast: a grad_fn walk has no engine to sum it


def conv1d_backward(grad_output, x, weight, stride=1, padding=0, dilation=1):
    left, right = forward_padding(weight.shape[-1], stride, padding, dilation)
    bias = torch.zeros(weight.shape[0], dtype=x.dtype)
    _, pullback = torch.func.vjp(lambda a, w, b: forward(a, w, b, stride, dilation, left, right), x, weight, bias)
    return pullback(grad_output)
