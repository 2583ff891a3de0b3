"""Khabardar (खबरदार): Hindi and English news alerts for Telegram, Slack and the console."""

__version__ = "0.1.0"
