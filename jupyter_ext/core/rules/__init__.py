"""The pure rules: task states, names, task types, parameter values, the pipeline DAG, secret
masking, dataset paths, a model's own metrics, schedules (cron). They import nothing of the store's database (no
SQLAlchemy), so the SDK checks its input with the very rules the server applies, at no import cost.
"""
