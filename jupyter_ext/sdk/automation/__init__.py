"""Automation: hyperparameter search, schedules and triggers (public names in ``jupyter_ext.automation``)."""
