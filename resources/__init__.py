"""Data shipped with the app: JSON-LD contexts, icons, example stacks, demo material."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """The path of a resource file, e.g. ``path("contexts", "manifest.json")``."""
    return ROOT.joinpath(*parts)
