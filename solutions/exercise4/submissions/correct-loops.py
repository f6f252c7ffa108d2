"""A correct exercise4 written differently: kernels as nested lists, gradients by explicit loops
in numpy float32, magnitude with numpy.hypot, edges as a numpy bool array."""
import numpy as np

KX = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]


def sobel_kernels():
    return KX, [list(col) for col in zip(*KX)]


def sobel_gradients(image):
    img = np.asarray(image.numpy(), dtype=np.float32)
    kx, ky = (np.array(k, dtype=np.float32) for k in sobel_kernels())
    h, w = img.shape[0] - 2, img.shape[1] - 2
    gx, gy = np.zeros((h, w), np.float32), np.zeros((h, w), np.float32)
    for i in range(h):
        for j in range(w):
            gx[i, j] = np.sum(img[i:i + 3, j:j + 3] * kx)
            gy[i, j] = np.sum(img[i:i + 3, j:j + 3] * ky)
    return gx, gy


def gradient_magnitude(gx, gy):
    return np.hypot(np.asarray(gx), np.asarray(gy))


def detect_edges(image, threshold):
    return gradient_magnitude(*sobel_gradients(image)) > threshold
