"""Backends translate the resource graph into a deployable artifact; each is a pluggy plugin."""
