"""The console chat: a local sandbox (stdin/stdout) that needs no accounts."""
