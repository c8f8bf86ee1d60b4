"""Scanning with a camera when there is none: one plain sentence, on any machine.

These need no camera support at all (without PySide6-Addons, or without the system
library it loads, the device list is simply empty).
"""

from __future__ import annotations

import sys

import pytest

from ui.share import camera


def test_no_camera_says_so_in_a_sentence(qtbot, checker) -> None:
    checker.video_inputs = lambda: []
    checker.scan_button.click()
    assert checker.notice_label.isVisible()
    assert checker.notice_label.text() == "No camera found on this computer; open pictures of the codes instead."


def test_without_camera_support_the_same_sentence(qtbot, checker, monkeypatch) -> None:
    """Qt's camera module missing (PySide6-Addons not installed, or its sound library
    absent) counts as no camera, not as a crash."""
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)  # import now fails
    assert camera.video_inputs() == []
    checker.scan_button.click()
    assert checker.notice_label.text() == camera.NO_CAMERA


def test_camera_not_allowed_says_where_to_allow_it(qtbot, checker, monkeypatch) -> None:
    checker.video_inputs = lambda: ["a camera"]
    checker.make_scanner = lambda device: pytest.fail("no window opens without permission")
    monkeypatch.setattr(camera, "ask_permission", lambda parent, granted, refused: refused())
    checker.scan_button.click()
    assert checker.notice_label.text() == camera.NOT_ALLOWED


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="other systems ask the user")
def test_on_this_system_the_camera_is_allowed(qtbot, checker) -> None:
    """Linux has no camera permission to ask for: the scanner opens straight away."""
    asked = []
    camera.ask_permission(checker, lambda: asked.append("granted"), lambda: asked.append("refused"))
    assert asked == ["granted"]

