"""The taylor page's mathematics (to be written)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ACTIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
