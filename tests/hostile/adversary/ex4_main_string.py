# The accomplice: a plain string constant, nothing else.
MAIN = "__main__"
