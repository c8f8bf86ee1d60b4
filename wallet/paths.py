"""Where the wallet lives on disk.

The platform's data folder (platformdirs), unless ``LEARNER_WALLET_HOME`` names
another: tests use it, and so does a portable wallet on a USB stick.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

HOME_ENV = "LEARNER_WALLET_HOME"
APP_NAME = "learner-wallet"


def data_home(environ: os._Environ[str] | dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    override = env.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700) if needed and return it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path
