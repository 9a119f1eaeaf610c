"""`python -m perfwatch`: the same as the `perfwatch` command."""

from perfwatch.cli import main

main()
