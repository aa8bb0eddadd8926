"""The Logger and the figure builders it reports with."""
