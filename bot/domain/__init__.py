"""The pure domain: text, matching, queries, cards, rendering, commands (stdlib + regex only)."""
