"""Typed settings: declared once, checked on write, safe defaults on bad stored values."""

from __future__ import annotations

import pytest

from wallet import settings as S
from wallet.settings import NetworkPolicy, SettingError


def test_defaults_are_the_safe_ones(wallet):
    assert wallet.settings.network_policy is NetworkPolicy.ASK  # "only when I ask"
    assert wallet.settings.reverify_after_days == 30
    assert wallet.settings.bundle_expiry_days == 30
    assert wallet.settings.backups_kept == 7
    assert wallet.settings.as_dict()["network.policy"] == "ask"


def test_values_are_checked_and_kept_sealed(wallet):
    settings = wallet.settings
    assert settings.set(S.NETWORK_POLICY, "never") is NetworkPolicy.NEVER
    assert settings.set(S.BACKUPS_KEPT, "12") == 12
    assert wallet.settings.get(S.BACKUPS_KEPT) == 12  # a new view reads the store
    with pytest.raises(SettingError, match="must be one of"):
        settings.set(S.NETWORK_POLICY, "sometimes")
    with pytest.raises(SettingError, match="at least 1"):
        settings.set(S.BACKUPS_KEPT, 0)
    with pytest.raises(SettingError):
        settings.set(S.AUTO_BACKUP, "yes")  # booleans must be booleans
    settings.reset(S.NETWORK_POLICY)
    assert settings.network_policy is NetworkPolicy.ASK


def test_a_stored_value_that_no_longer_fits_reads_as_the_default(wallet):
    wallet.store.put("settings", S.NETWORK_POLICY.key, "always-online")
    wallet.store.put("settings", S.BACKUPS_KEPT.key, -5)
    assert wallet.settings.network_policy is NetworkPolicy.ASK
    assert wallet.settings.backups_kept == 7


def test_every_setting_is_declared_once():
    keys = [s.key for s in S.ALL]
    assert len(keys) == len(set(keys))
    assert S.by_key("backup.kept") is S.BACKUPS_KEPT
    with pytest.raises(SettingError, match="no setting called"):
        S.by_key("backup.keep")
    for setting in S.ALL:
        assert setting.check(setting.default) == setting.default and setting.doc
