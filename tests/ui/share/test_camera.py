"""Scanning with a camera when there is none: one plain sentence, on any machine.

These need no camera support at all (without PySide6-Addons, or without the system
library it loads, the device list is simply empty).
"""

from __future__ import annotations

import sys

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
