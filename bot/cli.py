"""The ``khabardar`` command line: parses arguments and hands off to one function per command.

Implementations are imported lazily so ``khabardar --help`` stays instant and a command whose
parts are missing fails on its own, clearly, without breaking the others.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from bot import __version__
from bot.errors import ConfigError, KhabardarError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3

Handler = Callable[[argparse.Namespace], int]


def _not_available(what: str) -> Handler:
    def handler(_args: argparse.Namespace) -> int:
        print(f"khabardar: '{what}' is not available yet in this version.", file=sys.stderr)
        return EXIT_UNAVAILABLE

    return handler


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="khabardar",
        description=(
            "Khabardar (खबरदार) watches Hindi and English news sources and alerts Telegram, "
            "Slack and console chats about what they track."
        ),
    )
    parser.add_argument("--version", action="version", version=f"khabardar {__version__}")
    parser.add_argument(
        "--log-format", choices=("text", "json"), help="log lines as key=value text or JSON"
    )
    parser.add_argument(
        "--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR"), help="minimum log level"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="run the bot: poll sources, match, deliver, chat")
    run.set_defaults(handler=_lazy("bot.app", "run_command"))

    demo = commands.add_parser(
        "demo", help="run an offline demo on bundled sample feeds and a console chat"
    )
    demo.add_argument("--fast", action="store_true", help="shorter pauses between demo steps")
    demo.set_defaults(handler=_lazy("bot.demo", "demo_command"))

    inspect = commands.add_parser(
        "inspect", help="show the articles the bot reads from feeds, pages or local files"
    )
    inspect.add_argument("sources", nargs="+", metavar="SOURCE", help="URL or local file")
    inspect.add_argument("--json", action="store_true", help="one JSON object per line")
    inspect.set_defaults(handler=_lazy("bot.cli_commands", "inspect_command"))

    preview = commands.add_parser(
        "preview", help="show which articles of some sources a /track query would match"
    )
    preview.add_argument("query", metavar="QUERY", help='a /track query, e.g. "tiktok ban"')
    preview.add_argument("sources", nargs="+", metavar="SOURCE", help="URL or local file")
    preview.add_argument("--json", action="store_true", help="one JSON object per line")
    preview.add_argument("--lang", choices=("en", "hi"), default="en", help="language of errors")
    preview.set_defaults(handler=_lazy("bot.cli_commands", "preview_command"))

    sources = commands.add_parser("sources", help="list, add, remove, check, import, export")
    source_commands = sources.add_subparsers(dest="sources_command", metavar="ACTION")
    source_commands.required = True
    s_list = source_commands.add_parser("list", help="list sources with their health")
    s_list.set_defaults(handler=_lazy("bot.cli_commands", "sources_list_command"))
    s_add = source_commands.add_parser("add", help="add a source (checked once first)")
    s_add.add_argument("url")
    s_add.add_argument("--name")
    s_add.add_argument("--lang", choices=("hi", "en"))
    s_add.add_argument("--interval", type=int, help="seconds between polls")
    s_add.add_argument("--timezone")
    s_add.set_defaults(handler=_lazy("bot.cli_commands", "sources_add_command"))
    s_remove = source_commands.add_parser("remove", help="remove a source by URL")
    s_remove.add_argument("url")
    s_remove.set_defaults(handler=_lazy("bot.cli_commands", "sources_remove_command"))
    s_check = source_commands.add_parser(
        "check", help="fetch every configured source once and report ok / failing"
    )
    s_check.set_defaults(handler=_lazy("bot.cli_commands", "sources_check_command"))
    s_import = source_commands.add_parser("import", help="import sources from an OPML file")
    s_import.add_argument("opml", help="path of the OPML file")
    s_import.set_defaults(handler=_lazy("bot.cli_commands", "sources_import_command"))
    s_export = source_commands.add_parser("export", help="export sources as OPML to stdout")
    s_export.set_defaults(handler=_lazy("bot.cli_commands", "sources_export_command"))

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION")
    db_commands.required = True
    db_upgrade = db_commands.add_parser("upgrade", help="apply database migrations")
    db_upgrade.set_defaults(handler=_lazy("bot.cli_commands", "db_upgrade_command"))
    return parser


def _lazy(module: str, function: str) -> Handler:
    """Import the command's implementation only when it runs."""

    def handler(args: argparse.Namespace) -> int:
        import importlib
        import importlib.util

        if importlib.util.find_spec(module) is None:
            return _not_available(args.command)(args)
        implementation = getattr(importlib.import_module(module), function, None)
        if implementation is None:
            return _not_available(args.command)(args)
        result = implementation(args)
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
        return int(result)

    return handler


def main(argv: Sequence[str] | None = None, *, stderr: TextIO | None = None) -> int:
    """Entry point of the ``khabardar`` console script."""
    err = stderr or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.handler(args)
    except ConfigError as exc:
        print(f"khabardar: configuration error: {exc}", file=err)
        return EXIT_USAGE
    except KhabardarError as exc:
        print(f"khabardar: {exc}", file=err)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `khabardar inspect --json … | head`
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
