"""Telegram adapters: the sender (alerts) and the chat (commands, buttons, membership)."""
