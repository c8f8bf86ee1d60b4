"""Typed settings, declared once here and kept (sealed) in the store's settings table.

Each :class:`Setting` names its key, type, default and, where it has one, its allowed
choices or range; :class:`Settings` reads and writes them for one open wallet. A stored
value that no longer fits its declaration (an older app wrote it, or it was damaged)
reads as the default, so a setting can never stop the wallet from opening.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from wallet.errors import WalletError

log = logging.getLogger(__name__)

T = TypeVar("T")
TABLE = "settings"


class NetworkPolicy(StrEnum):
    """When the wallet may use the network (status lists, did:web, issuer registry)."""

    AUTOMATIC = "automatic"  # whenever a check needs it
    ASK = "ask"  # only when the learner asks ("only when I ask")
    NEVER = "never"  # never, not even when asked


class SettingError(WalletError):
    """A value that does not fit a setting."""


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting: its stored key, type, default and limits, and what it is for."""

    key: str
    type: type
    default: T
    doc: str
    choices: tuple[Any, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def check(self, value: Any) -> T:
        """``value`` converted to the setting's type, or SettingError."""
        try:
            if self.type is bool:
                if not isinstance(value, bool):
                    raise ValueError(value)
                converted: Any = value
            elif self.type is int:
                if isinstance(value, bool):
                    raise ValueError(value)
                converted = int(value)
            else:
                converted = self.type(value)
        except (TypeError, ValueError) as exc:
            if self.choices:
                allowed = ", ".join(str(c) for c in self.choices)
                raise SettingError(f"{self.key} must be one of: {allowed}.", repr(value)) from exc
            raise SettingError(f"{value!r} is not a valid value for {self.key}.", str(exc)) from exc
        if self.choices and converted not in self.choices:
            allowed = ", ".join(str(c) for c in self.choices)
            raise SettingError(f"{self.key} must be one of: {allowed}.", repr(value))
        if self.minimum is not None and converted < self.minimum:
            raise SettingError(f"{self.key} must be at least {self.minimum}.", repr(value))
        if self.maximum is not None and converted > self.maximum:
            raise SettingError(f"{self.key} must be at most {self.maximum}.", repr(value))
        return converted  # type: ignore[no-any-return]


NETWORK_POLICY: Setting[NetworkPolicy] = Setting(
    "network.policy", NetworkPolicy, NetworkPolicy.ASK,
    "When the wallet may go online to check status lists, issuers and did:web keys.",
    choices=tuple(NetworkPolicy),
)
REVERIFY_AFTER_DAYS: Setting[int] = Setting(
    "verify.reverify_after_days", int, 30,
    "Verification results older than this many days are shown as due for a fresh check.",
    minimum=1, maximum=3650,
)
BUNDLE_EXPIRY_DAYS: Setting[int] = Setting(
    "share.bundle_expiry_days", int, 30,
    "How many days a shared bundle stays valid by default.",
    minimum=1, maximum=3650,
)
BACKUPS_KEPT: Setting[int] = Setting(
    "backup.kept", int, 7,
    "How many automatic backups are kept in rotation.",
    minimum=1, maximum=100,
)
AUTO_BACKUP: Setting[bool] = Setting(
    "backup.automatic", bool, True,
    "Whether the wallet backs itself up automatically (at most once an hour after changes).",
)

ALL: tuple[Setting[Any], ...] = (NETWORK_POLICY, REVERIFY_AFTER_DAYS, BUNDLE_EXPIRY_DAYS, BACKUPS_KEPT, AUTO_BACKUP)


def by_key(key: str) -> Setting[Any]:
    for setting in ALL:
        if setting.key == key:
            return setting
    known = ", ".join(s.key for s in ALL)
    raise SettingError(f"There is no setting called {key!r}. Known settings: {known}.", key)


class Settings:
    """The settings of one open wallet (anything with the store's put/fetch/delete)."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def get(self, setting: Setting[T]) -> T:
        raw = self._store.fetch(TABLE, setting.key)
        if raw is None:
            return setting.default
        try:
            return setting.check(raw)
        except SettingError:
            log.warning("stored value of %s does not fit; using the default", setting.key)
            return setting.default

    def set(self, setting: Setting[T], value: Any) -> T:
        checked = setting.check(value)
        stored = checked.value if isinstance(checked, StrEnum) else checked
        self._store.put(TABLE, setting.key, stored)
        return checked

    def reset(self, setting: Setting[Any]) -> None:
        self._store.delete(TABLE, setting.key)

    def as_dict(self) -> dict[str, Any]:
        """Every setting's current value, by key (enums as their plain value)."""
        out: dict[str, Any] = {}
        for setting in ALL:
            value = self.get(setting)
            out[setting.key] = value.value if isinstance(value, StrEnum) else value
        return out

    # convenience for the most used ones

    @property
    def network_policy(self) -> NetworkPolicy:
        return self.get(NETWORK_POLICY)

    @property
    def reverify_after_days(self) -> int:
        return self.get(REVERIFY_AFTER_DAYS)

    @property
    def bundle_expiry_days(self) -> int:
        return self.get(BUNDLE_EXPIRY_DAYS)

    @property
    def backups_kept(self) -> int:
        return self.get(BACKUPS_KEPT)
