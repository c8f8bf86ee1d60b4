"""The ``learner-wallet`` command.

With no arguments it starts the desktop app; with a subcommand it works in a terminal
and never imports Qt. Each feature registers its subcommands from its own module in
this package (see ``_COMMAND_MODULES``). A handler takes ``(args, ctx)`` and returns
the exit status; a :class:`~wallet.errors.WalletError` becomes one plain sentence on
stderr (with ``--verbose``, the technical detail too) and exit status 1.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from wallet import __version__
from wallet.errors import WalletError

# Modules that add subcommands; each defines register(subparsers).
_COMMAND_MODULES = (
    "wallet.cli.credentials",
    "wallet.cli.verify",
    "wallet.cli.stacks",
    "wallet.cli.share",
    "wallet.cli.trust",
    "wallet.cli.backup",
)


class CliContext:
    """What a handler needs: streams, and the wallet, opened on first use."""

    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
        self.args = args
        self.out = out
        self.err = err
        self._wallet: Any = None

    @property
    def wallet(self) -> Any:
        if self._wallet is None and getattr(self.args, "demo", False):
            import tempfile

            from wallet.demo import create_demo_wallet  # a throwaway wallet, deleted at close

            self._demo_home = tempfile.TemporaryDirectory(prefix="learner-wallet-demo-")
            self._wallet = create_demo_wallet(Path(self._demo_home.name))
        if self._wallet is None:
            from wallet.service import open_for_cli

            self._wallet = open_for_cli(self.args, err=self.err)
        return self._wallet

    def print(self, *parts: Any) -> None:
        print(*parts, file=self.out)

    def print_json(self, value: Any) -> None:
        json.dump(value, self.out, indent=2, ensure_ascii=False, sort_keys=False)
        self.out.write("\n")

    def close(self) -> None:
        if self._wallet is not None:
            self._wallet.close()
        if getattr(self, "_demo_home", None) is not None:
            self._demo_home.cleanup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="learner-wallet",
        description="Keep, verify, stack and share your learning credentials. "
        "Run with no command to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"learner-wallet {__version__}")
    parser.add_argument("--demo", action="store_true", help="open a throwaway wallet filled with example credentials")
    parser.add_argument("--home", help="the wallet folder (default: $LEARNER_WALLET_HOME or the platform data folder)")
    parser.add_argument(
        "--passphrase-file", help="read the wallet passphrase or recovery key from this file (for unattended use)"
    )
    parser.add_argument("--recovery-key-file", help="write a new recovery key to this new file (mode 0600) "
                        "instead of showing it on the terminal")
    parser.add_argument("-v", "--verbose", action="store_true", help="show technical detail with errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that feature is not part of this build
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _start_gui(args, err)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=err)
    ctx = CliContext(args, out, err)
    try:
        return int(args.func(args, ctx) or 0)
    except WalletError as exc:
        print(f"learner-wallet: {exc.message}", file=err)
        if exc.detail and args.verbose:
            print(f"  detail: {exc.detail}", file=err)
        elif exc.detail:
            print("  (run with --verbose for technical detail)", file=err)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``learner-wallet list | head``): stop quietly, and keep
        # Python from complaining again when it flushes stdout at exit.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, out.fileno())
        except (OSError, ValueError, io.UnsupportedOperation):
            pass
        return 141
    finally:
        ctx.close()


def _start_gui(args: argparse.Namespace, err: TextIO) -> int:
    try:
        from ui.app import run_app
    except ImportError as exc:
        print(
            "learner-wallet: the desktop app needs Qt (PySide6), which is not installed. "
            "Install it with: pip install 'learner-wallet[gui]'. Subcommands work without it; "
            "see learner-wallet --help.",
            file=err,
        )
        print(f"  detail: {exc}", file=err)
        return 1
    return run_app(args)
