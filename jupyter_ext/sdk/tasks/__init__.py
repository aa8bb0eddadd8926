"""Task and its parts: init, parameters, results, artifacts, models, queues, remote runs."""
