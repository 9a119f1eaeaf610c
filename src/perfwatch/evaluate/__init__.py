"""The evaluate stage: observations + framework -> one long results frame (status, trend, benchmark, SPC, roll-ups)."""
