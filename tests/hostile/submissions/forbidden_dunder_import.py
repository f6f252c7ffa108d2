# Appended to the reference solution: conv1d through __import__.
def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    torch = __import__("torch")
    return torch.conv1d(torch.zeros(1, 1, length), torch.zeros(1, 1, kernel_size), None, stride, padding,
                        dilation).shape[-1]
