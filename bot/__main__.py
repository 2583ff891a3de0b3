"""``python -m bot`` is the same as the ``khabardar`` command."""

from bot.cli import main

raise SystemExit(main())
