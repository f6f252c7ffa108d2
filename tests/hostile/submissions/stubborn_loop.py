# Appended to the reference solution: ignores SIGTERM/SIGALRM/SIGINT and swallows every exception.
import signal

for _sig in (signal.SIGTERM, signal.SIGALRM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU):
    signal.signal(_sig, signal.SIG_IGN)


def conv_output_length(*args, **kwargs):
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass


conv2d_output_shape = pool_output_length = same_padding = conv_transpose_output_length = conv_output_length
