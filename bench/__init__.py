"""Benchmarks: data generators and timings. Performance targets live here, not in the tests."""
