"""A stack drawn as a card: its name, who published it, a progress bar and the fraction."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.stacks.models import FractionRole, MetRole, SubtitleRole, percent

CARD_HEIGHT = 92
PAD = 12
MET_COLOUR = "#2e7d32"


class StackCardDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        return QSize(max(option.rect.width(), 260), CARD_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        painter.save()
        rect = option.rect.adjusted(6, 4, -6, -4)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect, 8, 8)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(text_role))
        fraction = float(index.data(FractionRole) or 0.0)
        inner = rect.adjusted(PAD, PAD - 4, -PAD, -PAD)
        title_font = QFont(option.font)
        title_font.setBold(True)
        painter.setFont(title_font)
        figure = "Complete" if index.data(MetRole) else percent(fraction)
        fig_width = painter.fontMetrics().horizontalAdvance(figure) + 8
        name_rect = QRect(inner.left(), inner.top(), inner.width() - fig_width, 22)
        name = painter.fontMetrics().elidedText(str(index.data()), Qt.TextElideMode.ElideRight, name_rect.width())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        painter.drawText(QRect(inner.right() - fig_width, inner.top(), fig_width, 22),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, figure)
        painter.setFont(option.font)
        sub_rect = QRect(inner.left(), inner.top() + 24, inner.width(), 18)
        subtitle = painter.fontMetrics().elidedText(str(index.data(SubtitleRole) or ""), Qt.TextElideMode.ElideRight,
                                                    sub_rect.width())
        painter.drawText(sub_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, subtitle)
        bar = QRect(inner.left(), inner.bottom() - 10, inner.width(), 10)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase if not selected else QPalette.ColorRole.Base))
        painter.drawRoundedRect(bar, 5, 5)
        filled = QRect(bar.left(), bar.top(), round(bar.width() * max(0.0, min(fraction, 1.0))), bar.height())
        if filled.width() > 0:
            painter.setBrush(QColor(MET_COLOUR) if index.data(MetRole) else palette.color(QPalette.ColorRole.Highlight)
                             if not selected else palette.color(QPalette.ColorRole.HighlightedText))
            painter.drawRoundedRect(filled, 5, 5)
        painter.restore()
