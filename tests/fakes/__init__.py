"""Fake Telegram and Slack servers for the test suite (real HTTP on loopback; see README.md).

``telegram_server.FakeTelegram`` and ``slack_server.FakeSlack`` are the servers; the other
modules are their parts (HTML parser, Block Kit validator, rate limiters, fault injection,
update queue, admin API, request signing for Bolt apps, running as a separate process).
"""
