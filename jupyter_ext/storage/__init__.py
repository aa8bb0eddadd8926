"""``from jupyter_ext.storage import StorageManager`` (ClearML's ``clearml.storage``)."""
from __future__ import annotations

from jupyter_ext.sdk.storage.manager import StorageManager

__all__ = ["StorageManager"]
