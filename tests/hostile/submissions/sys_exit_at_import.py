# Appended to the reference solution.
import sys

sys.exit(0)
