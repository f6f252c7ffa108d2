"""exercise8's misconceptions: exercise7's, for conv2d_fast (a fast conv2d makes the same mistakes)."""
from __future__ import annotations

from . import cases
from ..shared.mutants import conv2d_lookalikes, conv2d_mutants


MUTANTS = conv2d_mutants("conv2d_fast", cases.conv2d_fast)

LOOKALIKES = conv2d_lookalikes("conv2d_fast", cases.conv2d_fast)
