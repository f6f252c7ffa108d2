"""Exercise 4 — Sobel edge detector.

An edge is where brightness changes fast. The Sobel operator estimates the change along
each axis with a 3x3 kernel: a difference across the window, smoothed 1-2-1 along it.
Used with cross-correlation (PyTorch's conv2d, no flip), the kernels are

    kx = [[-1, 0, 1],        ky = kx transposed = [[-1, -2, -1],
          [-2, 0, 2],                              [ 0,  0,  0],
          [-1, 0, 1]]                              [ 1,  2,  1]]

kx is positive where brightness grows with the column index (left to right), ky where it
grows with the row index (top to bottom). Mind the sign: textbooks often print the Sobel
kernel as [[1, 0, -1], [2, 0, -2], [1, 0, -1]], meant for a true (flipping) convolution.
Under cross-correlation it has the opposite sign: on a 5x5 image of zeros with a line of
ones in column 2 it gives [[-4, 0, 4]] in every row, where kx gives [[4, 0, -4]].

Worked example: the ramp image [[2, 3, 4],
                                [2, 3, 4],
                                [2, 3, 4]] has gx = (4-2) + 2*(4-2) + (4-2) = 8, gy = 0,
so the gradient magnitude sqrt(gx**2 + gy**2) is 8. With gx = 3 and gy = 4 it would be 5.

Allowed: anything, PyTorch's own F.conv2d included: the lesson is the kernel, as in an
nn.Conv2d whose weights are set by hand. Nothing is forbidden in this exercise.

Read the lesson first: it is in the notebook exercises/exercise4.ipynb, before the first function
(text, pictures, and cells where you predict a number before torch shows it). Its pictures:

    exercises/pictures/exercise4-sobel_line.png
    exercises/pictures/exercise4-stride_padding.png
"""
import torch
import torch.nn.functional as F


def sobel_kernels():
    """(kx, ky), each (3, 3) float64, for cross-correlation: kx responds to brightness growing
    left to right (with the column index), ky top to bottom (with the row index).

    >>> kx, ky = sobel_kernels()
    >>> kx[1]
    tensor([-2.,  0.,  2.], dtype=torch.float64)
    """
    ### BEGIN SOLUTION
    kx = torch.tensor([[-1.0, 0.0, 1.0],
                       [-2.0, 0.0, 2.0],
                       [-1.0, 0.0, 1.0]], dtype=torch.float64)
    ky = kx.T.contiguous()  # the same filter turned a quarter: rows instead of columns
    return kx, ky
    ### END SOLUTION


def sobel_gradients(image):
    """(gx, gy) of an image (height, width): each (height - 2, width - 2), no padding.

    gx[i, j] = sum_{a, b} kx[a, b] * image[i + a, j + b], and gy the same with ky.

    >>> gx, gy = sobel_gradients(torch.tensor([[2., 3., 4.]] * 3, dtype=torch.float64))
    >>> gx, gy
    (tensor([[8.]], dtype=torch.float64), tensor([[0.]], dtype=torch.float64))
    """
    if image.ndim != 2:
        raise ValueError(f"image must be (height, width), got shape {tuple(image.shape)}")
    H, W = image.shape
    if H < 3 or W < 3:
        raise ValueError(f"the 3x3 Sobel kernels need an image of at least 3x3, got {H}x{W}")
    ### BEGIN SOLUTION
    kx, ky = sobel_kernels()
    x = image.to(torch.float64)[None, None]  # (batch, channels, height, width) for conv2d
    gx = F.conv2d(x, kx[None, None])[0, 0]
    gy = F.conv2d(x, ky[None, None])[0, 0]
    return gx, gy
    ### END SOLUTION


def gradient_magnitude(gx, gy):
    """The length of the gradient vector at every pixel: sqrt(gx**2 + gy**2), same shape.

    >>> gradient_magnitude(torch.tensor([3.0]), torch.tensor([4.0]))
    tensor([5.])
    """
    ### BEGIN SOLUTION
    return torch.sqrt(gx ** 2 + gy ** 2)  # Euclidean length, not |gx| + |gy|
    ### END SOLUTION


def detect_edges(image, threshold):
    """A bool map (height - 2, width - 2): True where the gradient magnitude is strictly above
    `threshold`.

    >>> detect_edges(torch.tensor([[2., 3., 4.]] * 3, dtype=torch.float64), 7.5)
    tensor([[True]])
    """
    ### BEGIN SOLUTION
    gx, gy = sobel_gradients(image)
    return gradient_magnitude(gx, gy) > threshold  # strictly above: equal is not an edge
    ### END SOLUTION
