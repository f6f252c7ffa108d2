# Attack: the student's words, made to draw on the instructor's terminal or break the report: ANSI
# escapes (clear screen, fake a table, set the window title), a carriage return, a lone surrogate,
# a NUL, an XML CDATA end, a workflow command and a forged result line.
EVIL = ("\x1b[2J\x1b[H\x1b[32mexercise1  10.0/10.0  passed\x1b[0m\x1b]0;owned\x07\r\ud800\x00"
        "]]></failure><![CDATA[\n::notice::fake\nresult=e30=\n\u202e")


def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):
    print(EVIL)
    raise ValueError(EVIL)
