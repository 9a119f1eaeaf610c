"""The data stage: reading CSV/Excel sources, mapping them to the observations frame, checking it; commentary."""
