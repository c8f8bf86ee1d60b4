"""A stack drawn as a card: its name (up to two lines), who published it, a progress bar
and the fraction."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.stacks.models import FractionRole, MetRole, SubtitleRole, percent
from ui.theme import ACCENT, LINE

PAD = 12
NAME_LINES = 2
MET_COLOUR = "#2e7d32"


def name_lines(metrics: QFontMetrics, text: str, width: int, lines: int = NAME_LINES) -> list[str]:
    """Break ``text`` into at most ``lines`` lines of ``width``; the last is elided if it must be."""
    words, out, line = text.split(), [], ""
    for i, word in enumerate(words):
        trial = f"{line} {word}".strip()
        if metrics.horizontalAdvance(trial) <= width or not line:
            line = trial
            continue
        out.append(line)
        line = word
        if len(out) == lines - 1:
            line = " ".join(words[i:])
            break
    out.append(metrics.elidedText(line, Qt.TextElideMode.ElideRight, width))
    return [text for text in out if text]


class StackCardDelegate(QStyledItemDelegate):
    def _line(self, option: QStyleOptionViewItem) -> int:
        return option.fontMetrics.height() + 2

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        line = self._line(option)
        return QSize(max(option.rect.width(), 260), 2 * PAD + (NAME_LINES + 1) * line + 22)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        painter.save()
        rect = option.rect.adjusted(6, 4, -6, -4)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(ACCENT) if selected else palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect, 8, 8)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(text_role))
        fraction = float(index.data(FractionRole) or 0.0)
        inner = rect.adjusted(PAD, PAD - 4, -PAD, -PAD)
        line = self._line(option)
        title_font = QFont(option.font)
        title_font.setBold(True)
        painter.setFont(title_font)
        figure = "Complete" if index.data(MetRole) else percent(fraction)
        fig_width = painter.fontMetrics().horizontalAdvance(figure) + 8
        painter.drawText(QRect(inner.right() - fig_width, inner.top(), fig_width, line),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, figure)
        lines = name_lines(painter.fontMetrics(), str(index.data()), inner.width() - fig_width)
        for n, text in enumerate(lines):
            painter.drawText(QRect(inner.left(), inner.top() + n * line, inner.width() - fig_width, line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        painter.setFont(option.font)
        sub_rect = QRect(inner.left(), inner.top() + len(lines) * line + 2, inner.width(), line)
        subtitle = painter.fontMetrics().elidedText(str(index.data(SubtitleRole) or ""), Qt.TextElideMode.ElideRight,
                                                    sub_rect.width())
        painter.drawText(sub_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, subtitle)
        self._bar(painter, QRect(inner.left(), inner.bottom() - 10, inner.width(), 10), fraction,
                  bool(index.data(MetRole)))
        painter.restore()

    @staticmethod
    def _bar(painter: QPainter, bar: QRect, fraction: float, met: bool) -> None:
        """The same colours selected or not, as the progress bar beside it."""
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(LINE))
        painter.drawRoundedRect(bar, 5, 5)
        filled = QRect(bar.left(), bar.top(), round(bar.width() * max(0.0, min(fraction, 1.0))), bar.height())
        if filled.width() > 0:
            painter.setBrush(QColor(MET_COLOUR if met else ACCENT))
            painter.drawRoundedRect(filled, 5, 5)
