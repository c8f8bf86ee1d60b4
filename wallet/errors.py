"""Errors a learner can meet, each with a plain sentence and the technical detail.

Hierarchy::

    WalletError                    root: .message (plain words) and .detail (technical)
     +-- InputError                a file or text that is not a credential we can take
     |    +-- UnsupportedFormat    recognised as something else (a PDF, a picture, ...)
     |    +-- InputTooLarge        over a size, depth or decompression bound
     |    +-- MalformedCredential  looks like a credential but is broken
     +-- StoreError                the wallet file could not be read or written
     |    +-- WalletCorrupt        the wallet file failed its integrity check
     |    +-- DiskFull             no room left to write
     +-- LockedError               the data key is not available (keyring, passphrase)
     |    +-- WrongSecret          a passphrase or recovery key that does not fit
     +-- NotFound                  no credential, stack or identity with that id
     +-- StackDefinitionError      a stack definition file that cannot be used
     +-- BundleError               a presentation or QR payload that cannot be used
     +-- NetworkError              the network is off, or a request failed (.status: the HTTP status, if any)
     +-- BackupError               a backup that cannot be written or restored
"""

from __future__ import annotations


class WalletError(Exception):
    """Root of every error the wallet raises on purpose.

    ``message`` is one sentence a learner understands; ``detail`` is for the
    "technical details" control and for bug reports.
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class InputError(WalletError):
    pass


class UnsupportedFormat(InputError):
    pass


class InputTooLarge(InputError):
    pass


class MalformedCredential(InputError):
    pass


class StoreError(WalletError):
    pass


class WalletCorrupt(StoreError):
    pass


class DiskFull(StoreError):
    pass


class LockedError(WalletError):
    pass


class WrongSecret(LockedError):
    pass


class NotFound(WalletError):
    pass


class StackDefinitionError(WalletError):
    pass


class BundleError(WalletError):
    pass


class NetworkError(WalletError):
    """``status`` is the HTTP status the server answered with (404, 500, ...); None when
    there was no HTTP answer (the network setting said no, no connection, a timeout)."""

    def __init__(self, message: str, detail: str = "", *, status: int | None = None) -> None:
        super().__init__(message, detail)
        self.status = status


class BackupError(WalletError):
    pass
