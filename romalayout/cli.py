"""Command-line interface: a thin shell over the library's functions.

Each subcommand lives in romalayout/commands/<name>.py and exposes `register(subparsers)`,
which adds its parser and sets `func(args) -> int`. Errors a user can cause are reported
as one line `romalayout: error: ...` with exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from romalayout import __version__
from romalayout.errors import RomalayoutError

COMMAND_MODULES = (
    "romalayout.commands.chip",
    "romalayout.commands.pdk",
    "romalayout.commands.gen",
    "romalayout.commands.gds",
    "romalayout.commands.place",
    "romalayout.commands.fused",
)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as the project's one-line error."""

    def error(self, message):
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="romalayout",
        description="Gate-level netlists and layout estimates for ROM-based LLM accelerators (ROMA).",
    )
    parser.add_argument("--version", action="version", version="romalayout %s" % __version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `romalayout` console script."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except (_UsageError, RomalayoutError) as e:
        msg = " ".join(str(e).split())
        print("romalayout: error: %s" % msg, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("romalayout: error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
