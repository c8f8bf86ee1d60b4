"""The Stacks page: progress toward each stack, the requirement tree, skills by level."""

from __future__ import annotations

from ui.stacks.page import StacksPage

__all__ = ["StacksPage"]
