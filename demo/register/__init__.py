"""The synthetic register extract of the demo and the benchmarks: its tables, its population
and the four files it writes, and the demo step that imports it."""
