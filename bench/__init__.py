"""Benchmarks with their targets: run by `make bench`, never by the test suite."""
