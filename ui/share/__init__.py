"""Sharing: the Share page (choose, sign, hand over) and the Check a bundle page."""

from __future__ import annotations

from ui.share.check_page import CheckBundlePage
from ui.share.share_page import SharePage

__all__ = ["CheckBundlePage", "SharePage"]
