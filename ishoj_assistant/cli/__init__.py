"""The `ishoj-assistant` command.

Each sub-command lives in its own module under this package and exposes
``register(subparsers)``; this file only assembles them, so adding a command
never touches another command's code.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Module names under ishoj_assistant.cli, in the order `--help` lists them.
COMMAND_MODULES = ["ingest_commands", "ask_command", "eval_command", "fit_command", "serve_command"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ishoj-assistant",
        description="Dokumentassistent for Ishøj Kommune: indeksér dokumenter, søg og få svar med kilder.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    for name in COMMAND_MODULES:
        importlib.import_module(f"ishoj_assistant.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
