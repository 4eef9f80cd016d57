"""Offline monthly cost estimate of a resource graph, from a price table shipped with s0c."""
