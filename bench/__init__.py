"""The benchmark of issue 3: a province-sized data set, a plain-SQL baseline and the measuring harness.

Run it with `make bench` (PostgreSQL, ~20k committees, 2M records) or `make bench-quick` (SQLite, small).
The command is reports/management/commands/bench.py; results land in bench/results*.{md,json}.
"""
