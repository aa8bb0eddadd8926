"""Versioned datasets: Dataset, its file lists, local copies and registry reads."""
