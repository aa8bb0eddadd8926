"""What a task records on its own: environment, packages, git state and console output.

Each submodule is about one source (``environment``, ``git``, ``console``) and is imported on
demand; this package imports none of them, so importing it costs nothing. Nothing here knows
about Jupyter, the store or the SDK: the SDK calls these functions and stores what they return.
Environment variables, argv and git URLs are masked through :mod:`jupyter_ext.core.rules.redact`;
console text is passed on as printed (the sink may call ``redact_text`` if it wants).
"""
