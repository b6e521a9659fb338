"""Benchmarks run by `make bench`: each figure measured side by side with a baseline in one run.

Every module `benchmarks/bench_*.py` defines `run(report)`; `report(name, value, unit, note)`
prints a readable line and the machine-readable `BENCH <name> <value> <unit>`.
"""
