"""The Trust page and the "Check status now" action."""

from ui.trust.actions import AutoRefresher, CheckStatusAction, check_status_now
from ui.trust.page import TrustPage

__all__ = ["AutoRefresher", "CheckStatusAction", "TrustPage", "check_status_now"]
