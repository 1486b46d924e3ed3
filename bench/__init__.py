"""Benchmarks: scaled data in the sources' real formats, and figures measured against a
baseline taken in the same run (see bench/README.md). Run with `make bench`."""
