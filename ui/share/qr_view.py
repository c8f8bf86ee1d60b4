"""QR codes on screen: the core builds the matrix, this only paints it.

:class:`QrWidget` paints one :class:`~wallet.qr.QrMatrix` as crisp squares, always on
white with its quiet zone, whatever the theme. :class:`QrSequence` shows the parts of a
bundle one after another, by hand (previous / next) or on a timer, with "Part i of n"
in large type so the person scanning knows where they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from wallet.qr import QrMatrix

ADVANCE_MS = 1600  # long enough for a phone to lock on, short enough to be patient with


class QrWidget(QWidget):
    """One QR symbol, scaled to whole pixels per module and centred."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix: QrMatrix | None = None
        self._cached: QImage | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(180, 180)
        self.setAccessibleName("QR code")

    def set_matrix(self, matrix: QrMatrix | None) -> None:
        self._matrix = matrix
        self._cached = None
        self.update()

    def matrix(self) -> QrMatrix | None:
        return self._matrix

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt)
        return QSize(420, 420)

    def module_size(self) -> int:
        """Pixels per module at the current size (whole pixels keep edges sharp)."""
        if self._matrix is None:
            return 0
        return max(1, min(self.width(), self.height()) // self._matrix.size)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt)
        """One image of the modules, scaled by a whole factor without smoothing."""
        if self._matrix is None:
            return
        n = self._matrix.size
        side = self.module_size() * n
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(QRect((self.width() - side) // 2, (self.height() - side) // 2, side, side),
                          self._image())
        painter.end()

    def _image(self) -> QImage:
        if self._cached is None:
            n = self._matrix.size if self._matrix else 0
            pixels = bytes(0 if dark else 255 for row in (self._matrix.rows if self._matrix else ()) for dark in row)
            self._cached = QImage(pixels, n, n, n, QImage.Format.Format_Grayscale8).copy()
        return self._cached


class QrSequence(QWidget):
    """The codes of one bundle, shown in turn."""

    index_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrices: list[QrMatrix] = []
        self._index = 0
        self.code = QrWidget(self)
        self.caption = QLabel(self)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setProperty("role", "sectionTitle")
        self.previous_button = QPushButton("Previous", self)
        self.play_button = QPushButton("Pause", self)
        self.next_button = QPushButton("Next", self)
        self.previous_button.clicked.connect(lambda: self.show_part(self._index - 1))
        self.next_button.clicked.connect(lambda: self.show_part(self._index + 1))
        self.play_button.clicked.connect(self.toggle_playing)
        self.timer = QTimer(self)
        self.timer.setInterval(ADVANCE_MS)
        self.timer.timeout.connect(lambda: self.show_part(self._index + 1))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.previous_button, self.play_button, self.next_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.code, 1)
        layout.addLayout(buttons)

    def set_codes(self, matrices: Sequence[QrMatrix]) -> None:
        self._matrices = list(matrices)
        several = len(self._matrices) > 1
        for b in (self.previous_button, self.play_button, self.next_button):
            b.setVisible(several)
        self.show_part(0)
        if several:
            self.timer.start()
            self.play_button.setText("Pause")
        else:
            self.timer.stop()

    def count(self) -> int:
        return len(self._matrices)

    def index(self) -> int:
        return self._index

    def show_part(self, index: int) -> None:
        if not self._matrices:
            self.code.set_matrix(None)
            self.caption.setText("")
            return
        self._index = index % len(self._matrices)
        self.code.set_matrix(self._matrices[self._index])
        n = len(self._matrices)
        self.caption.setText("Scan this code" if n == 1 else f"Part {self._index + 1} of {n} — scan every part")
        self.code.setAccessibleName(f"QR code, part {self._index + 1} of {n}")
        self.index_changed.emit(self._index)

    def toggle_playing(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.play_button.setText("Play")
        else:
            self.timer.start()
            self.play_button.setText("Pause")

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt)
        self.timer.stop()  # no ticking for a page nobody sees
        super().hideEvent(event)
