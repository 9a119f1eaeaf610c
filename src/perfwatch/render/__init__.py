"""Presentation of evaluated results: charts, icons, template context, HTML and PDF."""
