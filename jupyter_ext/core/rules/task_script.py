"""What a task's execution may ask of the agent: environment variables it sets for the run."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jupyter_ext.errors import InvalidArgument

# POSIX names: what a shell and os.environ both accept.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_VARIABLES = 200
MAX_VALUE = 32_768


def check_environment(value: Any) -> dict[str, str]:
    """``script.environment``: a mapping of variable names to string values, given to the run's
    process by the agent. Refused with the offending name when it is not one."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidArgument(f"script.environment must be an object of NAME: value, got {type(value).__name__}")
    if len(value) > MAX_VARIABLES:
        raise InvalidArgument(f"script.environment holds {len(value)} variables; at most {MAX_VARIABLES}")
    out: dict[str, str] = {}
    for name, raw in value.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise InvalidArgument(f"script.environment: {name!r} is not a variable name (letters, digits and _, "
                                  f"not starting with a digit)")
        if not isinstance(raw, (str, int, float, bool)):
            raise InvalidArgument(f"script.environment.{name} must be a string, got {type(raw).__name__}")
        text = str(raw)
        if "\0" in text or len(text) > MAX_VALUE:
            raise InvalidArgument(f"script.environment.{name}: a value holds no NUL and at most {MAX_VALUE} characters")
        out[name] = text
    return out


def check_script(script: Any) -> dict[str, Any]:
    """A script edited through the API: an object; its environment and argv checked."""
    if not isinstance(script, Mapping):
        raise InvalidArgument(f"script must be an object, got {type(script).__name__}")
    out = dict(script)
    if "environment" in out:
        out["environment"] = check_environment(out["environment"])
    argv = out.get("argv")
    if argv is not None and (not isinstance(argv, list) or not all(isinstance(a, str) for a in argv)):
        raise InvalidArgument("script.argv must be a list of strings (the program first, then its arguments)")
    return out
