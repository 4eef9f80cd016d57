"""Lowering the validated spec into one resource graph, and the plugin machinery backends use."""
