"""Draws the credential column as two lines: the title, and the issuer and type beneath.

Two lines let a long title and a long issuer name both be read in a narrow list; the
text comes from the model (display and subtitle roles), the look from the style.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.credentials.model import SubtitleRole

PAD = 8
GAP = 10


class TitleDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget)
        rect = opt.rect.adjusted(PAD, 0, -PAD, 0)
        size = opt.decorationSize
        icon_rect = QRect(rect.left(), rect.top() + (rect.height() - size.height()) // 2, size.width(), size.height())
        opt.icon.paint(painter, icon_rect)
        text_left = icon_rect.right() + GAP
        text_rect = QRect(text_left, rect.top(), rect.right() - text_left, rect.height())
        title_font = QFont(opt.font)
        title_font.setWeight(QFont.Weight.DemiBold)
        title_metrics = QFontMetrics(title_font)
        sub_metrics = QFontMetrics(opt.font)
        total = title_metrics.height() + 2 + sub_metrics.height()
        top = text_rect.top() + (text_rect.height() - total) // 2
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        ink = opt.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        painter.save()
        painter.setFont(title_font)
        painter.setPen(ink)
        title = title_metrics.elidedText(opt.text, Qt.TextElideMode.ElideRight, text_rect.width())
        painter.drawText(QRect(text_left, top, text_rect.width(), title_metrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)
        subtitle = index.data(SubtitleRole) or ""
        painter.setFont(opt.font)
        muted = opt.palette.color(QPalette.ColorRole.PlaceholderText)
        painter.setPen(ink if selected else muted)
        subtitle = sub_metrics.elidedText(subtitle, Qt.TextElideMode.ElideRight, text_rect.width())
        painter.drawText(QRect(text_left, top + title_metrics.height() + 2, text_rect.width(), sub_metrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), subtitle)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        height = max(option.decorationSize.height(), 2 * metrics.height() + 2) + 2 * PAD
        return QSize(240, height)
