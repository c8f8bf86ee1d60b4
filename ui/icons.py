"""Icons drawn for this app (resources/icons/*.svg), loaded by name."""

from __future__ import annotations

from PySide6.QtGui import QIcon

import resources


def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg``; an empty icon when there is none."""
    path = resources.path("icons", f"{name}.svg")
    if not path.is_file():
        return QIcon()
    return QIcon(str(path))


def app_icon() -> QIcon:
    return icon("app")
