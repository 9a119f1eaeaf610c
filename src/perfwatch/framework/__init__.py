"""The framework stage: the YAML schema (model), loading and checking it, periods, cycles and the project file."""
