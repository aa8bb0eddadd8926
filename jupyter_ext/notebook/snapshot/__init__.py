"""Notebook snapshots: the notebook file, its HTML rendering and the live comm."""
