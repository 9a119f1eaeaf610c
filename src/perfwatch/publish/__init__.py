"""The publish stage: what may be shown (small-number suppression), revision snapshots, and CSV/Excel/JSON export."""
