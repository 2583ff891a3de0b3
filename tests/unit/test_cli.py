"""The command line: help lists everything, unfinished commands never claim success."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.cli import build_parser, main


def test_help_lists_every_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("run", "preview", "inspect", "demo", "sources", "db"):
        assert command in out


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "-h"],
        ["demo", "-h"],
        ["inspect", "-h"],
        ["preview", "-h"],
        ["sources", "-h"],
        ["db", "-h"],
        ["sources", "check", "-h"],
        ["db", "upgrade", "-h"],
    ],
)
def test_every_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    assert "usage: khabardar" in capsys.readouterr().out


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_commands_missing_an_implementation_say_so_and_exit_non_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = build_parser()
    args = parser.parse_args(["run"])
    from bot import cli

    handler = cli._lazy("bot.no_such_module_here", "nothing")
    assert handler(args) == cli.EXIT_UNAVAILABLE
    assert "not available yet" in capsys.readouterr().err
