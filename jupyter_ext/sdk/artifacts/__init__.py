"""Artifacts: the Artifact handle and ClearML's serialisation rules."""
