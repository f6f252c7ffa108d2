"""Questions — Numbers that are the lesson.

Four short questions whose answer is a number (or a few), each a function of the question's sizes,
graded on randomized sizes like the other exercises. Answer them with arithmetic, not by running a
layer: F.conv1d, nn.Conv1d(...)(x), pooling and the like are refused while your functions run.
Building a module only to count its parameters (sum(p.numel() for p in nn.Conv2d(...).parameters()))
is not refused: that is how the lesson checks its own numbers, and the grader checks yours the same
way; but the formula is the lesson, so write it.

1. conv_pool_shape(n, c_in, length, c_out, kernel_size, pool): the shape (N, C, L) of
   nn.MaxPool1d(pool)(nn.Conv1d(c_in, c_out, kernel_size)(x)) for x of shape (n, c_in, length).
   Worked example: (1, 2, 11) -> Conv1d(2, 3, 4) -> (1, 3, 8) -> MaxPool1d(2) -> (1, 3, 4).
2. conv_params(c_in, c_out, kernel_size, groups=1, bias=True): the number of parameters of
   nn.Conv1d (kernel_size an int) or nn.Conv2d (kernel_size a pair (kh, kw)) with those options.
   Worked example: Conv1d(4, 6, 3, groups=2) has 6 * (4 / 2) * 3 weights and 6 biases: 42.
3. inputs_read(length, i, kernel_size, stride=1, padding=0, dilation=1): the positions of the input
   x[0 .. length-1] that output i of a 1-D conv reads, in increasing order, as a tuple of ints;
   positions in the zero padding are not positions of x and are left out.
   Worked example: length 5, K = 3, padding 1: output 0 reads the padding, x[0] and x[1]: (0, 1).
4. dense_vs_conv_params(h, w, c_in, c_out, k): (dense, conv), the parameters of nn.Linear from every
   value of an h x w image of c_in channels to every value of one of c_out channels, and of
   nn.Conv2d(c_in, c_out, k). Worked example: 28 x 28, one channel each, k = 3: (615440, 10).

Raise ValueError where PyTorch refuses: a kernel or a pooling window that does not fit (question 1),
channels that groups does not divide (question 2), an output index that does not exist (question 3).
Return Python ints (a tuple of them where the answer is several numbers).

Read the lesson first: it is in the notebook exercises/questions.ipynb, before the first function
(text, a picture, and cells where you predict a number before torch shows it). Its picture:

    exercises/pictures/questions-inputs_read.png
"""


def conv_pool_shape(n, c_in, length, c_out, kernel_size, pool):
    """Shape (N, C, L) after nn.Conv1d(c_in, c_out, kernel_size), then nn.MaxPool1d(pool).

    >>> conv_pool_shape(1, 2, 11, 3, 4, 2)
    (1, 3, 4)
    """
    raise NotImplementedError("questions: conv_pool_shape")


def conv_params(c_in, c_out, kernel_size, groups=1, bias=True):
    """Parameters of nn.Conv1d (kernel_size an int) or nn.Conv2d (kernel_size a pair).

    >>> conv_params(4, 6, 3)
    78
    >>> conv_params(4, 6, 3, groups=2)
    42
    >>> conv_params(3, 64, (3, 3))
    1792
    """
    raise NotImplementedError("questions: conv_params")


def inputs_read(length, i, kernel_size, stride=1, padding=0, dilation=1):
    """Positions of x (length `length`) that output i of a 1-D conv reads, padding left out.

    >>> inputs_read(5, 0, 3, padding=1)
    (0, 1)
    >>> inputs_read(10, 2, 3, stride=2, padding=2, dilation=2)
    (2, 4, 6)
    """
    raise NotImplementedError("questions: inputs_read")


def dense_vs_conv_params(h, w, c_in, c_out, k):
    """(dense, conv): parameters of a dense layer image -> image, and of nn.Conv2d(c_in, c_out, k).

    >>> dense_vs_conv_params(28, 28, 1, 1, 3)
    (615440, 10)
    """
    raise NotImplementedError("questions: dense_vs_conv_params")
