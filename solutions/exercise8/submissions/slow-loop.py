"""A correct but slow exercise8: a Python loop over the output positions (keeps correctness, loses speed).

Exercise 8 — Fast conv2d (stretch).

The same function as exercise7's conv2d, without Python loops over the batch or the
output positions. The trick PyTorch itself uses on the CPU is im2col: gather every
window into a matrix, then one matrix product does all the dot products at once.

    windows[n, g, c, a, b, i, j] = x_pad[n, g*Cg + c, i*sh + a*dh, j*sw + b*dw]   (a strided view, no copy)
    out[n, g, o, i, j] = sum_{c, a, b} weight[g, o, c, a, b] * windows[n, g, c, a, b, i, j]

Shapes: x (batch, in_channels, height, width), weight (out_channels, in_channels // groups, KH, KW)
-> (batch, out_channels, height_out, width_out).

Worked example: for x (1, 1, 3, 3) and a 2x2 kernel, the view has shape (1, 1, 2, 2, 2, 2):
for each of the 2x2 output positions, the 2x2 window under the kernel.

Allowed: Tensor.unfold, as_strided, einsum, matmul. Your time on a fixed workload is
compared with F.conv2d's on the same inputs; course.yml sets the multiple for full marks.
Invalid configurations raise ValueError exactly where F.conv2d refuses.
"""
import torch


def _pair(name, value, minimum):
    """`3` means `(3, 3)`; a pair stays a pair."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair, got {value!r}")
        items = tuple(value)
    else:
        items = (value, value)
    for v in items:
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise ValueError(f"{name} must be an int >= {minimum} or a pair of them, got {value!r}")
    return items


def check_conv2d(x, weight, bias, stride, padding, dilation, groups):
    """Validate like F.conv2d; returns (x batched, unbatched?, stride, dilation, ((top, bottom), (left, right)))."""
    ### BEGIN SOLUTION
    if x.dim() not in (3, 4):
        raise ValueError(f"x must be (batch, in_channels, height, width) or unbatched, got {tuple(x.shape)}")
    unbatched = x.dim() == 3
    if unbatched:
        x = x.unsqueeze(0)
    if weight.dim() != 4:
        raise ValueError(f"weight must be (out_channels, in_channels // groups, KH, KW), got {tuple(weight.shape)}")
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    c_out, c_group, kh, kw = weight.shape
    if c_out == 0 or c_group == 0 or kh == 0 or kw == 0:
        raise ValueError(f"weight has an empty dimension: {tuple(weight.shape)}")
    if c_out % groups:
        raise ValueError(f"out_channels {c_out} is not divisible by groups {groups}")
    if x.shape[1] != c_group * groups:
        raise ValueError(f"x has {x.shape[1]} channels but weight expects {c_group} x {groups} groups = "
                         f"{c_group * groups}")
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise ValueError(f"bias must have shape ({c_out},), got {tuple(bias.shape)}")
    s = _pair("stride", stride, 1)
    d = _pair("dilation", dilation, 1)
    if padding == "valid":
        pads = ((0, 0), (0, 0))
    elif padding == "same":
        if s != (1, 1):
            raise ValueError("padding='same' needs stride 1")
        totals = (d[0] * (kh - 1), d[1] * (kw - 1))
        pads = tuple((t // 2, t - t // 2) for t in totals)  # the odd one after
    elif isinstance(padding, str):
        raise ValueError(f"padding must be an int, a pair, 'same' or 'valid', got {padding!r}")
    else:
        p = _pair("padding", padding, 0)
        pads = ((p[0], p[0]), (p[1], p[1]))
    for axis, (size, k, dil, (before, after)) in enumerate(zip(x.shape[2:], (kh, kw), d, pads)):
        span = dil * (k - 1) + 1
        if span > size + before + after:
            name = ("height", "width")[axis]
            raise ValueError(f"the kernel spans {span} in {name} but the padded input has {size + before + after}")
    return x, unbatched, s, d, pads
    ### END SOLUTION


def conv2d_fast(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    x, unbatched, (sh, sw), (dh, dw), pads = check_conv2d(x, weight, bias, stride, padding, dilation, groups)
    n, c_in, h, w = x.shape
    c_out, c_group, kh, kw = weight.shape
    (top, bottom), (left, right) = pads
    padded = x.new_zeros(n, c_in, h + top + bottom, w + left + right)
    padded[..., top:top + h, left:left + w] = x
    out_h = (padded.shape[-2] - dh * (kh - 1) - 1) // sh + 1
    out_w = (padded.shape[-1] - dw * (kw - 1) - 1) // sw + 1
    grouped = padded.reshape(n, groups, c_group, *padded.shape[-2:])
    filters = weight.reshape(groups, c_out // groups, c_group, kh, kw)
    out = x.new_zeros(n, groups, c_out // groups, out_h, out_w)
    for i in range(out_h):  # one output position at a time: correct, and slow
        for j in range(out_w):
            window = grouped[..., i * sh:i * sh + dh * (kh - 1) + 1:dh, j * sw:j * sw + dw * (kw - 1) + 1:dw]
            out[..., i, j] = torch.einsum("ngcab,gocab->ngo", window, filters)
    out = out.reshape(n, c_out, out_h, out_w)
    if bias is not None:
        out = out + bias.view(1, c_out, 1, 1)
    return out.squeeze(0) if unbatched else out
