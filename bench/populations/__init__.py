"""Populations the benchmarks build, larger than anything the demo needs."""
