"""Calling one CLI handler directly, around a wallet a test already opened."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Callable
from typing import Any


class HandlerContext:
    """What a handler gets from the CLI frame (see wallet.cli.CliContext), in memory."""

    def __init__(self, wallet: Any) -> None:
        self.wallet = wallet
        self.out = io.StringIO()
        self.err = io.StringIO()

    def print(self, *parts: Any) -> None:
        print(*parts, file=self.out)

    def print_json(self, value: Any) -> None:
        json.dump(value, self.out)

    def take(self) -> str:
        """What was printed since the last take."""
        text, self.out = self.out.getvalue(), io.StringIO()
        return text


def run_handler(handler: Callable[[argparse.Namespace, Any], int], ctx: HandlerContext, **args: Any) -> int:
    """Run ``handler`` with the arguments argparse would have given it."""
    return handler(argparse.Namespace(**{"verbose": False, "no_verify": False, **args}), ctx)
