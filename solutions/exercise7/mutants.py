"""exercise7's misconceptions: the conv2d ones of solutions/shared/mutants.py (exercise8 shares them)."""
from __future__ import annotations

from ..shared import cases
from ..shared.mutants import conv2d_lookalikes, conv2d_mutants


MUTANTS = conv2d_mutants("conv2d", cases.conv2d)

LOOKALIKES = conv2d_lookalikes("conv2d", cases.conv2d)
