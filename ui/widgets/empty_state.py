"""A friendly first-run panel: what goes here and how to add it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.icons import icon


class EmptyState(QFrame):
    """A dashed drop zone with a heading, a sentence and one button per action."""

    def __init__(
        self,
        heading: str,
        text: str,
        actions: Sequence[QAction] = (),
        *,
        icon_name: str = "credentials",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 36, 40, 36)
        layout.setSpacing(12)
        layout.addStretch(1)
        picture = QLabel(self)
        picture.setPixmap(icon(icon_name).pixmap(64, 64))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(picture)
        self.heading = QLabel(heading, self)
        self.heading.setProperty("role", "pageTitle")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.text = QLabel(text, self)
        self.text.setProperty("role", "muted")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addStretch(1)
        self.buttons: list[QPushButton] = []
        for n, action in enumerate(actions):
            text = action.text().replace("&", "")
            primary = n == 0
            # the dark icons would vanish on the primary button's accent colour
            button = QPushButton(text, self) if primary else QPushButton(action.icon(), text, self)
            button.setProperty("primary", primary)
            button.setAccessibleName(action.text().replace("&", ""))
            button.clicked.connect(action.trigger)
            row.addWidget(button)
            self.buttons.append(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.setAccessibleName(heading)

    def set_drag_active(self, active: bool) -> None:
        """Highlight while something is dragged over the window."""
        self.setProperty("dragActive", active)
        self.style().unpolish(self)
        self.style().polish(self)
