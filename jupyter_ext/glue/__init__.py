"""Launchers that turn queued tasks into jobs of a scheduler the team already runs (Slurm, Kubernetes)."""
