"""Running ClearML's public examples against jupyter_ext: the catalog, the rewrites, local data, the checks."""
