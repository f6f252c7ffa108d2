"""Exercise 9 — Backward pass (stretch).

The forward pass of a 1-D convolution is, for every output position i,

    out[n, o, i] = bias[o] + sum_{c, k} weight[o, c, k] * x_pad[n, c, i*stride + k*dilation]

Each term is a product, so the chain rule sends the gradient of the loss with respect to
out (grad_output, shape (batch, out_channels, length_out)) back along the same terms:

    grad_bias[o]        = sum_{n, i} grad_output[n, o, i]
    grad_weight[o, c, k] = sum_{n, i} grad_output[n, o, i] * x_pad[n, c, i*stride + k*dilation]
    grad_x_pad[n, c, i*stride + k*dilation] += sum_o grad_output[n, o, i] * weight[o, c, k]

and grad_x is grad_x_pad without the padding. With stride 1, scattering grad_output back
through the kernel is a *full correlation* with the kernel reversed (that is where the flip
appears). With stride s, first put s - 1 zeros between the values of grad_output: the
result is F.conv_transpose1d(grad_output, weight, stride=s, padding=p, dilation=d,
output_padding=r), r = (L + 2p - d*(K-1) - 1) % s the inputs no window read, and its
length is exercise1's transposed formula (L_out - 1)*s - 2p + d*(K-1) + r + 1 = L.
For example, stride 2, x = [[[1, 2, 3, 4, 5]]], weight = [[[1, 10, 100]]] and
grad_output = [[[1, 2]]]: [1, 2] becomes [1, 0, 2], and grad_x = [[[1, 10, 102, 20, 200]]].

Shapes: grad_output (batch, out_channels, length_out), x (batch, in_channels, length),
weight (out_channels, in_channels, K) -> grad_x like x, grad_weight like weight,
grad_bias (out_channels,).

Worked example: x = [[[1, 2, 3]]], weight = [[[1, 10]]] (out = [21, 32]), grad_output =
[[[1, 1]]]: grad_bias = [2], grad_weight = [[[1+2, 2+3]]] = [[[3, 5]]], grad_x = [[[1, 11, 10]]].

Allowed: slicing, einsum, matmul, index_add_, torch.zeros/zeros_like, sum, loops.
Not allowed while your functions run (refused as `forbidden`, by any route):
autograd in any form (requires_grad graphs, backward, torch.autograd.grad, grad_fn, forward-mode
dual tensors, torch.func.grad/vjp/jvp/jacrev/jacfwd), library convolutions and their backward
(F.conv1d, torch.nn.grad.conv1d_input, convolution_backward).
In the whole file: imports only from torch, numpy, math, cmath, itertools, functools, typing,
collections, numbers and random; no private (_x) or dunder attributes; no getattr, eval, exec
or open; no attribute leading to other modules (torch.sys, typing.sys); no threads; no
numpy.ndarray(...), recarray or strides= (isinstance(x, np.ndarray) is fine); __name__ is
never assigned.
Code under `if __name__ == "__main__":` is not graded: check yourself there with torch.autograd.grad.

Read the lesson first: it is in the notebook exercises/exercise9.ipynb, before the first function
(text, pictures, and cells where you predict a number before torch shows it). Its pictures:

    exercises/pictures/exercise9-chain_rule.png
"""
import torch


def _int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return value


def forward_padding(kernel_size, stride, padding, dilation):
    """(left, right) zeros the forward pass adds: an int p, 'valid' or 'same'."""
    if padding == "valid":
        return 0, 0
    if padding == "same":
        if stride != 1:
            raise ValueError("padding='same' needs stride 1")
        total = dilation * (kernel_size - 1)
        return total // 2, total - total // 2  # the odd one on the right
    if isinstance(padding, str):
        raise ValueError(f"padding must be an int, 'same' or 'valid', got {padding!r}")
    p = _int("padding", padding, 0)
    return p, p


def conv1d_backward(grad_output, x, weight, stride=1, padding=0, dilation=1):
    """Gradients of F.conv1d(x, weight, bias, stride, padding, dilation) given grad_output.

    Returns (grad_x, grad_weight, grad_bias), shaped like x, weight and bias.

    >>> gx, gw, gb = conv1d_backward(torch.ones(1, 1, 2), torch.tensor([[[1., 2, 3]]]), torch.tensor([[[1., 10]]]))
    >>> gx, gw, gb
    (tensor([[[ 1., 11., 10.]]]), tensor([[[3., 5.]]]), tensor([2.]))
    """
    if x.dim() != 3 or weight.dim() != 3 or grad_output.dim() != 3:
        raise ValueError("x, weight and grad_output must each have 3 dimensions")
    n, c_in, length = x.shape
    c_out, c_w, k = weight.shape
    if c_w != c_in:
        raise ValueError(f"x has {c_in} channels but weight expects {c_w}")
    s = _int("stride", stride, 1)
    d = _int("dilation", dilation, 1)
    left, right = forward_padding(k, s, padding, d)
    padded_length = length + left + right
    if d * (k - 1) + 1 > padded_length:
        raise ValueError("the kernel does not fit the padded input")
    out_len = (padded_length - d * (k - 1) - 1) // s + 1
    if tuple(grad_output.shape) != (n, c_out, out_len):
        raise ValueError(f"grad_output must have shape {(n, c_out, out_len)}, got {tuple(grad_output.shape)}")
    ### BEGIN SOLUTION
    x_pad = x.new_zeros(n, c_in, padded_length)
    x_pad[..., left:left + length] = x
    grad_x_pad = torch.zeros_like(x_pad)
    grad_weight = torch.zeros_like(weight)
    for tap in range(k):  # the positions tap `tap` touches: a strided slice of x_pad
        positions = slice(tap * d, tap * d + (out_len - 1) * s + 1, s)
        grad_weight[:, :, tap] = torch.einsum("noi,nci->oc", grad_output, x_pad[..., positions])
        grad_x_pad[..., positions] += torch.einsum("noi,oc->nci", grad_output, weight[:, :, tap])
    grad_x = grad_x_pad[..., left:left + length]  # the padding is not part of x
    grad_bias = grad_output.sum(dim=(0, 2))
    return grad_x, grad_weight, grad_bias
    ### END SOLUTION
