"""exercise9's misconceptions (the backward pass) as mutants. Each validates like PyTorch (refuses_like)
and computes the three gradients tap by tap, as the reference does, with one step wrong."""
from __future__ import annotations

import torch

from autograder.mutants.base import Mutant, refuses_like

from . import cases as oracle


def _split(padding, k, d):
    if padding == "valid":
        return 0, 0
    if padding == "same":
        total = d * (k - 1)
        return total // 2, total - total // 2
    return padding, padding


def _mutant(*, flip=False, average=False, collapse=False, stride_ignored=False, crop=True):
    @refuses_like(oracle.conv1d_backward)
    def conv1d_backward(grad_output, x, weight, stride=1, padding=0, dilation=1):
        n, c_in, length = x.shape
        k, s, d = weight.shape[-1], stride, dilation
        left, right = _split(padding, k, d)
        out_len = grad_output.shape[-1]
        x_pad = torch.cat([x.new_zeros(n, c_in, left), x, x.new_zeros(n, c_in, right)], dim=-1)
        w_for_x = weight.flip(-1) if flip else weight  # grad_x read with the kernel as it is
        go_w, x_w = (grad_output.sum(0, keepdim=True), x_pad.sum(0, keepdim=True)) if collapse else (grad_output, x_pad)
        grad_x_pad = torch.zeros_like(x_pad)
        grad_weight = torch.zeros_like(weight)
        for tap in range(k):
            at = slice(tap * d, tap * d + (out_len - 1) * s + 1, s)
            read = slice(tap * d, tap * d + out_len) if stride_ignored else at
            grad_weight[:, :, tap] = torch.einsum("noi,nci->oc", go_w, x_w[..., read])
            grad_x_pad[..., at] += torch.einsum("noi,oc->nci", grad_output, w_for_x[:, :, tap])
        grad_x = grad_x_pad[..., left:left + length] if crop else grad_x_pad
        grad_bias = grad_output.sum(dim=(0, 2)) / (n if average else 1)
        return grad_x, grad_weight, grad_bias
    return conv1d_backward


F = "conv1d_backward"
MUTANTS = (
    Mutant("grad-padding-not-cropped", F, _mutant(crop=False),
           "Your grad_x keeps the padded length. The padding is not part of x: compute the gradient of the "
           "padded input, then drop its first and last p positions.", "return grad_x_pad  # should be grad_x_pad[p:p + L]"),
    Mutant("grad-stride-ignored", F, _mutant(stride_ignored=True),
           "Your grad_weight reads x at stride 1. Output i used x_pad[i*stride + k*dilation], so its gradient "
           "pairs grad_output[i] with that same position.", "x_pad[k*d + i]  # should be x_pad[i*s + k*d]"),
    Mutant("grad-weight-batch-collapsed", F, _mutant(collapse=True),
           "Your grad_weight multiplies the batch sums: sum_n(grad_output) * sum_n(x). Each image's products "
           "are summed: sum_n(grad_output[n] * x[n]).", "go.sum(0) * x.sum(0)  # should be (go * x).sum over n"),
    Mutant("grad-bias-averaged", F, _mutant(average=True),
           "Your grad_bias is averaged over the batch. The bias is added to every output of every image, so its "
           "gradient is the sum of grad_output over the batch and the positions.",
           "grad_output.mean(0).sum(-1)  # should be grad_output.sum((0, 2))"),
    Mutant("grad-input-not-flipped", F, _mutant(flip=True),
           "Your grad_x correlates grad_output with the kernel as it is. Sending the gradient back through the "
           "kernel is a full convolution: the kernel reversed (or, as a scatter, grad_x_pad[i*s + k*d] += "
           "grad_output[i] * w[k]).", "sum(go[j + k] * w[k])  # should be w[K - 1 - k], or scatter into i*s + k*d"),
)
