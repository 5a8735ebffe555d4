"""Benchmarks: synthetic data at the scales of the issues, page timings, job timings."""
