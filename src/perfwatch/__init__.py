"""perfwatch: performance management frameworks for health and social care, as code."""

__version__ = "0.1.0"
