"""Slack adapters: the sender (alerts) and the chat (slash commands, buttons, App Home)."""
