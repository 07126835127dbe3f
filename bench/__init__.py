"""Benchmarks (`make bench`): they print figures against the issue's targets; they are not tests."""
