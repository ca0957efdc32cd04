"""The hot paths, one module per area; each registers its measures with bench.harness.register.

Every module here is imported by `python -m bench`; a module's measures run in the order it
registers them, the modules in alphabetical order.
"""
