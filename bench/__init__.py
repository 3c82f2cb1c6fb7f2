"""Benchmarks a user re-runs (bench/README.md); run each from the repository root: `python -m bench.NAME`."""
