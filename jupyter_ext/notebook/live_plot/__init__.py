"""Live scalar plots: the canvas widget, its point buckets and the PNG fallback."""
