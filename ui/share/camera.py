"""Reading a bundle's QR codes with a camera, for a receiver with the learner in front of them.

The camera's frames arrive in a ``QVideoSink``; each is turned into a grey picture and
searched for codes on a worker thread with the core's reader (``wallet.qr``), so the
window stays responsive. Only one frame is decoded at a time: frames that arrive
meanwhile replace each other, and the newest is taken next. Parts are collected in any
order (``wallet.qr.CodeCollector``) with a count the receiver can follow ("3 of 5
codes read"); when every part is in, the dialog hands the decoded bundle back.

Qt's camera support ships in PySide6-Addons (QtMultimedia), which needs the system's
sound library to load; without it, or without a camera, the page says so in one
sentence and the receiver opens pictures of the codes instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PIL import Image
from PySide6.QtCore import QCameraPermission, QCoreApplication, QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ui.ops import run_op
from wallet import qr
from wallet.errors import WalletError

log = logging.getLogger(__name__)

NO_CAMERA = "No camera found on this computer; open pictures of the codes instead."
NOT_ALLOWED = ("This app is not allowed to use the camera; allow it in your system's privacy settings, "
               "or open pictures of the codes instead.")
PREVIEW = QSize(480, 360)


def video_inputs() -> list[Any]:
    """The cameras Qt can see; none when Qt's camera support cannot be loaded."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError as exc:  # PySide6-Addons missing, or a system library it needs
        log.info("camera support unavailable: %s", exc)
        return []
    devices = list(QMediaDevices.videoInputs())
    default = QMediaDevices.defaultVideoInput()
    devices.sort(key=lambda d: d != default)  # the system's default camera first
    return devices


def ask_permission(parent: QObject, granted: Callable[[], None], refused: Callable[[], None]) -> None:
    """Run ``granted`` once the system lets the app use the camera (macOS and Windows
    ask the user the first time; Linux always allows), else ``refused``."""
    app = QCoreApplication.instance()
    permission = QCameraPermission()
    status = app.checkPermission(permission) if app is not None else Qt.PermissionStatus.Granted
    if status == Qt.PermissionStatus.Granted:
        granted()
    elif status == Qt.PermissionStatus.Denied:
        refused()
    else:
        app.requestPermission(permission, parent,
                              lambda answer: granted() if answer.status() == Qt.PermissionStatus.Granted
                              else refused())


def picture_of(image: QImage) -> Image.Image:
    """A grey PIL picture of a Qt image, the form the core's QR reader takes."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    return Image.frombytes("L", (grey.width(), grey.height()), bytes(grey.constBits()), "raw", "L",
                           grey.bytesPerLine())


def read_frame(frame: Any) -> tuple[list[str], QImage]:
    """Worker-thread step: the QR texts in one video frame, and a small preview of it."""
    image = frame.toImage()
    if image.isNull():
        return [], QImage()
    preview = image.scaled(PREVIEW, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)
    return qr.texts_in_picture(picture_of(image)), preview


class CameraScanDialog(QDialog):
    """Shows the camera and reads codes until the bundle is complete.

    ``device`` is the camera to open (a ``QCameraDevice``); with ``device=None`` no
    camera is opened and frames come from ``sink`` alone, which is how tests feed it.
    """

    codes_read = Signal(object)  # wallet.qr.Decoded

    def __init__(self, device: Any, parent: QWidget | None = None, *, sink: Any = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QVideoSink

        self.setWindowTitle("Scan QR codes")
        self.collector = qr.CodeCollector()
        self.sink = sink if sink is not None else QVideoSink(self)
        self.sink.videoFrameChanged.connect(self._frame_arrived)
        self._busy = False
        self._pending: Any = None
        self._finished = False
        self.camera: Any = None
        self._build()
        if device is not None:
            self._open_camera(device)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        intro = QLabel("Hold each QR code of the bundle in front of the camera, in any order. "
                       "The bundle is checked as soon as every code has been read.", self)
        intro.setWordWrap(True)
        self.preview = QLabel("Starting the camera…", self)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)
        self.preview.setMinimumSize(PREVIEW)
        self.preview.setStyleSheet("background: #202124; color: #e8eaed;")
        self.progress_label = QLabel(self.collector.progress(), self)
        font = self.progress_label.font()
        font.setBold(True)
        self.progress_label.setFont(font)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        buttons.rejected.connect(self.reject)
        for widget in (intro, self.preview, self.progress_label, self.notice, buttons):
            layout.addWidget(widget)

    def _open_camera(self, device: Any) -> None:
        from PySide6.QtMultimedia import QCamera, QMediaCaptureSession

        self.camera = QCamera(device, self)
        self.session = QMediaCaptureSession(self)
        self.session.setCamera(self.camera)
        self.session.setVideoSink(self.sink)
        self.camera.errorOccurred.connect(self._camera_failed)
        self.camera.start()
        if self.camera.error() != QCamera.Error.NoError:  # failed before the signal was connected
            self._camera_failed(self.camera.error(), self.camera.errorString())

    def _camera_failed(self, _error: Any, text: str) -> None:
        log.warning("camera error: %s", text)
        self.preview.setText("The camera could not be started; close this window and open pictures "
                             "of the codes instead.")

    # ------------------------------------------------------------------ frames

    def _frame_arrived(self, frame: Any) -> None:
        if self._finished or not frame.isValid():
            return
        if self._busy:
            self._pending = frame  # only the newest waiting frame matters
            return
        self._read(frame)

    def _read(self, frame: Any) -> None:
        self._busy = True
        op = run_op(self, lambda: read_frame(frame))
        op.on_success(self._frame_read)
        op.on_failure(lambda exc: log.warning("a camera frame could not be read: %s", exc))
        op.on_done(self._next_frame)

    def _next_frame(self) -> None:
        self._busy = False
        frame, self._pending = self._pending, None
        if frame is not None and not self._finished:
            self._read(frame)

    def _frame_read(self, result: tuple[list[str], QImage]) -> None:
        texts, preview = result
        if not preview.isNull():
            self.preview.setPixmap(QPixmap.fromImage(preview))
        if self._finished:
            return
        for text in texts:
            try:
                if self.collector.add(text):
                    self.notice.hide()
            except WalletError as exc:
                self._say(exc.message)
        self.progress_label.setText(self.collector.progress())
        if self.collector.complete:
            self._complete()

    def _complete(self) -> None:
        self._finished = True
        self._stop_camera()
        collector = self.collector
        op = run_op(self, collector.result)
        op.on_success(self._hand_over)
        op.on_failure(self._start_again)

    def _hand_over(self, decoded: qr.Decoded) -> None:
        self.codes_read.emit(decoded)
        self.accept()

    def _start_again(self, exc: BaseException) -> None:
        """Every part was read but they do not fit together (a damaged or altered part)."""
        message = exc.message if isinstance(exc, WalletError) else "The codes could not be put together."
        self._say(f"{message} Scan the codes again.")
        self.collector = qr.CodeCollector()
        self.progress_label.setText(self.collector.progress())
        self._finished = False
        if self.camera is not None:
            self.camera.start()

    def _say(self, sentence: str) -> None:
        self.notice.setText(sentence)
        self.notice.show()

    def _stop_camera(self) -> None:
        if self.camera is not None:
            self.camera.stop()

    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        self._finished = True
        self._stop_camera()
        super().done(result)
