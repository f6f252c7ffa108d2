# Appended to the reference solution: nothing.
