"""The ``s0c`` command line: a thin layer over :mod:`s0c.compiler.pipeline`."""
