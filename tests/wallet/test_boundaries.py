"""The shape of the house: the core never needs Qt, and its public API is pinned."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import wallet

# Anything that blocks Qt the way a machine without PySide6 would.
_BLOCK_QT = textwrap.dedent(
    """
    import sys
    class _NoQt:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}:
                raise ImportError(f"Qt is blocked in this test: {name}")
            return None
    sys.meta_path.insert(0, _NoQt())
    """
)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BLOCK_QT + textwrap.dedent(code)],
        capture_output=True, text=True, timeout=120,
    )


def test_every_core_module_imports_without_qt():
    result = _run(
        """
        import importlib, pkgutil, wallet
        names = [m.name for m in pkgutil.walk_packages(wallet.__path__, "wallet.") if m.name != "wallet.__main__"]
        for name in names:
            importlib.import_module(name)
        assert not any(n.startswith("PySide6") for n in sys.modules)
        print(len(names))
        """
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 10


def test_cli_help_runs_without_qt():
    result = _run(
        """
        from wallet.cli import main
        try:
            main(["--help"])
        except SystemExit as exc:
            assert exc.code == 0
        assert not any(n.startswith("PySide6") for n in sys.modules)
        """
    )
    assert result.returncode == 0, result.stderr
    assert "usage: learner-wallet" in result.stdout


def test_gui_without_qt_says_what_to_install():
    result = _run(
        """
        from wallet.cli import main
        sys.exit(main([]))
        """
    )
    assert result.returncode == 1
    assert "needs Qt" in result.stderr and "pip install" in result.stderr


def test_public_api_is_pinned():
    assert sorted(wallet.__all__) == sorted(
        [
            "__version__", "Alignment", "Check", "CheckName", "Credential", "CredentialId",
            "Envelope", "Format", "Outcome", "PresentationReport", "Report", "Signer", "Status",
            "Summary", "VerifyEnvironment", "Wallet", "WalletError", "create_wallet", "open_wallet",
            "parse", "verify_credential", "verify_presentation",
        ]
    )
    for name in wallet.__all__:
        assert hasattr(wallet, name), name
