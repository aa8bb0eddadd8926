"""User properties of a task (ClearML's ``set_user_properties`` and friends): the hyperparameter
section ``properties``, as ClearML stores them, with each value's type kept."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from jupyter_ext.core.rules import param_types as param_values
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.tasks._host import TaskPart

SECTION = param_values.PROPERTIES_SECTION


class UserPropertiesMixin(TaskPart):
    def set_user_properties(self, *iterables: Mapping[str, Any] | Iterable[Mapping[str, Any]],
                            **properties: Any) -> bool:
        """Set user properties (name → value, with an optional description), keeping the others.

        >>> task.set_user_properties(backbone="resnet50", stable=True)
        >>> task.set_user_properties(backbone={"value": "resnet50", "description": "network type"})
        >>> task.set_user_properties({"name": "backbone", "value": "resnet50"}, {"name": "stable", "value": True})

        Stored as the hyperparameter section ``properties``, as ClearML does; unlike ClearML, a
        value keeps its type (``True`` comes back as ``True``, not ``"True"``).
        """
        values: dict[str, Any] = {}
        descriptions: dict[str, str] = {}
        entries: list[tuple[str, Any]] = list(properties.items())
        for item in iterables:
            if isinstance(item, Mapping) and "name" in item and "value" in item:
                entries.append((item["name"], item))
            elif isinstance(item, Mapping):
                entries.extend(item.items())
            elif isinstance(item, Iterable) and not isinstance(item, str | bytes):
                for entry in item:
                    if not isinstance(entry, Mapping) or "name" not in entry:
                        raise InvalidArgument(f"each user property in a list must be a dict with 'name' and "
                                              f"'value', got {entry!r:.80}")
                    entries.append((entry["name"], entry))
            else:
                raise InvalidArgument(f"set_user_properties takes dicts or lists of dicts, got {type(item).__name__}")
        for name, detail in entries:
            if not isinstance(name, str) or not name:
                raise InvalidArgument(f"a user property's name must be a non-empty string, got {name!r}")
            if isinstance(detail, Mapping):
                if "value" not in detail:
                    raise InvalidArgument(f"user property {name!r}: a dict must hold a 'value' "
                                          f"(and may hold 'description' and 'type')")
                values[name] = detail["value"]
                if detail.get("description"):
                    descriptions[name] = str(detail["description"])
            else:
                values[name] = detail
        from jupyter_ext.store.rows import ParamRow

        rows = []
        for name, value in values.items():
            param_values.check_name(SECTION, name)
            encoded, type_name = param_values.encode(value)  # a dict value stays one property, as in ClearML
            rows.append(ParamRow(SECTION, name, encoded, type_name, descriptions.get(name, "")))
        if rows:
            self._write_params(rows, replace=False)
        return True

    def get_user_properties(self, value_only: bool = False) -> dict[str, Any]:
        """The user properties: ``{name: {"section", "name", "value", "type", "description"}}``
        as ClearML gives them, or ``{name: value}`` with ``value_only``."""
        from jupyter_ext.sdk.tasks.lookup import sync

        sync()
        rows = [r for r in session.backend().get_parameters(self.id) if r.section == SECTION]
        if value_only:
            return {r.name: param_values.decode(r.value, r.type) for r in rows}
        return {r.name: {"section": SECTION, "name": r.name, "value": param_values.decode(r.value, r.type),
                         "type": r.type, "description": r.description} for r in rows}

    def delete_user_properties(self, *iterables: Any) -> bool:
        """Remove user properties, each named by its name, a ``{"name": ...}`` dict, or a
        ``("properties", name)`` pair as in ClearML; True when any was removed."""
        names: set[str] = set()
        for item in iterables:
            if isinstance(item, str):
                names.add(item)
            elif isinstance(item, Mapping) and "name" in item:
                if item.get("section", SECTION) == SECTION:
                    names.add(str(item["name"]))
            elif isinstance(item, Iterable) and len(pair := list(item)) >= 2:
                if pair[0] == SECTION:
                    names.add(str(pair[1]))
            else:
                raise InvalidArgument(f"name a user property by its name, a dict with 'name' or a "
                                      f"('properties', name) pair, not {item!r:.60}")
        from jupyter_ext.sdk.tasks.lookup import sync

        sync()
        rows = session.backend().get_parameters(self.id)
        kept = [r for r in rows if not (r.section == SECTION and r.name in names)]
        if len(kept) == len(rows):
            return False
        self._write_params(kept, replace=True)
        return True

