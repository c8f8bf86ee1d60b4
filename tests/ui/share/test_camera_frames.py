"""Scanning a bundle's codes with a camera: synthetic frames stand in for the camera.

The frames go through a real QVideoSink, are converted and decoded on a worker thread
exactly as a camera's would be; only the camera itself is missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter

QtMultimedia = pytest.importorskip("PySide6.QtMultimedia", reason="camera support (PySide6-Addons) cannot load")
from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat, QVideoSink  # noqa: E402

from tests.ui.conftest import settle  # noqa: E402
from tests.ui.share.conftest import DOMAIN  # noqa: E402
from ui.share.camera import CameraScanDialog  # noqa: E402
from wallet import qr  # noqa: E402

FRAME = QSize(640, 480)


def scene(text: str | None, offset: QPoint = QPoint(150, 60)) -> QImage:
    """What a camera sees: a grey desk with, somewhere on it, a code held up."""
    image = QImage(FRAME, QImage.Format.Format_RGB32)
    image.fill(QColor(170, 165, 160))
    if text is not None:
        code = QImage.fromData(qr.png_bytes(qr.matrix(text), scale=3))
        painter = QPainter(image)
        painter.drawImage(offset, code.scaled(360, 360, Qt.AspectRatioMode.KeepAspectRatio))
        painter.end()
    return image


def nv12_frame(image: QImage) -> QVideoFrame:
    """The picture as a webcam delivers it: NV12 (a grey plane, then colour at half size)."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    frame = QVideoFrame(QVideoFrameFormat(FRAME, QVideoFrameFormat.PixelFormat.Format_NV12))
    assert frame.map(QVideoFrame.MapMode.WriteOnly)
    luma, stride = frame.bits(0), frame.bytesPerLine(0)
    for y in range(FRAME.height()):
        row = bytes(grey.constScanLine(y))[: FRAME.width()]
        luma[y * stride: y * stride + FRAME.width()] = row
    chroma = frame.bits(1)
    chroma[:] = bytes([128]) * len(chroma)
    frame.unmap()
    return frame


@pytest.fixture
def scanning(qtbot, checker):
    """The check page with a 'camera' whose frames the test supplies."""
    sink = QVideoSink()
    checker.video_inputs = lambda: ["the test camera"]
    opened = []

    def make(device):
        assert device == "the test camera"
        opened.append(CameraScanDialog(None, checker, sink=sink))
        return opened[-1]

    checker.make_scanner = make
    checker.scan_button.click()
    assert len(opened) == 1 and opened[0].isVisible()
    return checker, opened[0], sink


def show(qtbot, dialog: CameraScanDialog, sink: QVideoSink, frame: QVideoFrame, expect: str) -> None:
    sink.setVideoFrame(frame)
    settle(qtbot, lambda: dialog.progress_label.text() == expect)


def test_parts_read_from_frames_in_any_order(qtbot, scanning, received) -> None:
    checker, dialog, sink = scanning
    checker.challenge_edit.setText("ch-9")
    checker.domain_edit.setText(DOMAIN)
    texts = qr.encode_presentation(json.loads(received.read_text())).texts
    n = len(texts)
    assert n >= 2, "a three-credential bundle takes several codes"
    assert dialog.progress_label.text() == "No code read yet."
    show(qtbot, dialog, sink, QVideoFrame(scene(None)), "No code read yet.")  # nothing in view yet
    show(qtbot, dialog, sink, nv12_frame(scene(texts[-1])), f"1 of {n} codes read")
    assert dialog.preview.pixmap() is not None and not dialog.preview.pixmap().isNull()
    show(qtbot, dialog, sink, QVideoFrame(scene(texts[-1], QPoint(40, 100))), f"1 of {n} codes read")
    stray = qr.encode_presentation({"type": ["VerifiablePresentation"], "padding": "x" * 3000}).texts
    show(qtbot, dialog, sink, QVideoFrame(scene(stray[0])), f"1 of {n} codes read")
    assert dialog.notice.text() == "This code belongs to another bundle; scan the codes of one bundle only."
    for text in texts[:-2]:
        show(qtbot, dialog, sink, nv12_frame(scene(text)), f"{texts.index(text) + 2} of {n} codes read")
    with qtbot.waitSignal(checker.checked, timeout=20_000) as blocker:
        sink.setVideoFrame(QVideoFrame(scene(texts[-2])))
    report = blocker.args[0]
    assert report.ok and len(report.credentials) == 3
    assert report.source == f"the camera ({n} QR codes)"
    assert checker.holder_label.text().endswith(f"Read from the camera ({n} QR codes)")
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()  # closed (and let go)


def test_parts_that_do_not_fit_are_scanned_again(qtbot, scanning, received) -> None:
    _, dialog, sink = scanning
    texts = qr.encode_presentation(json.loads(received.read_text())).texts
    head, _, data = texts[0].rpartition(":")
    forged = f"{head}:{'0' if data[0] != '0' else '1'}{data[1:]}"
    for i, text in enumerate([forged, *texts[1:]], 1):
        expect = f"{i} of {len(texts)} codes read" if i < len(texts) else "No code read yet."
        show(qtbot, dialog, sink, QVideoFrame(scene(text)), expect)
    assert dialog.notice.text() == ("The QR codes do not fit together: a part was changed or damaged. "
                                    "Scan the codes again.")
    assert dialog.isVisible()
    show(qtbot, dialog, sink, QVideoFrame(scene(texts[0])), f"1 of {len(texts)} codes read")


def test_a_code_for_a_separate_file_asks_for_that_file(qtbot, checker, received: Path) -> None:
    payload = qr.encode_presentation(json.loads(received.read_text()), file_bytes=received.read_bytes(),
                                     max_parts=1)
    decoded = qr.decode_texts(payload.texts)
    assert decoded.document is None
    checker.ask_open_paths = lambda caption, pattern: []
    checker.check_codes(decoded)
    assert "travels separately" in checker.notice_label.text()
    checker.ask_open_paths = lambda caption, pattern: [str(received)]
    with qtbot.waitSignal(checker.checked, timeout=20_000) as blocker:
        checker.check_codes(decoded)
    assert blocker.args[0].source == f"file {received.name}, matched by its QR code"


def test_a_camera_that_cannot_start_says_so(qtbot) -> None:
    from PySide6.QtMultimedia import QCameraDevice

    dialog = CameraScanDialog(QCameraDevice())  # a camera that is not there (unplugged)
    qtbot.addWidget(dialog)
    assert dialog.preview.text() == ("The camera could not be started; close this window and open pictures "
                                     "of the codes instead.")
    assert not dialog.camera.isActive()

