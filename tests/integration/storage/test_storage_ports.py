"""The SQL repositories implement the storage ports exactly: same methods, same parameter names
and kinds (mypy checks types too; this keeps the contract honest where mypy is not run)."""

from __future__ import annotations

import inspect

import pytest

from bot.adapters.storage import repositories
from bot.services import ports

PAIRS = [
    (ports.SourceRepository, repositories.SqlSourceRepository),
    (ports.ArticleRepository, repositories.SqlArticleRepository),
    (ports.ChatRepository, repositories.SqlChatRepository),
    (ports.SubscriptionRepository, repositories.SqlSubscriptionRepository),
    (ports.OutboxRepository, repositories.SqlOutboxRepository),
    (ports.DigestRepository, repositories.SqlDigestRepository),
]


def _public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(cls).items()
        if callable(member) and not name.startswith("_")
    }


def _shape(signature: inspect.Signature) -> list[tuple[str, object, bool]]:
    return [
        (p.name, p.kind, p.default is inspect.Parameter.empty)
        for p in signature.parameters.values()
    ]


@pytest.mark.parametrize(("port", "implementation"), PAIRS, ids=lambda c: c.__name__)
def test_repository_matches_its_port(port: type, implementation: type) -> None:
    wanted = _public_methods(port)
    offered = _public_methods(implementation)
    assert set(wanted) <= set(offered)
    for name, signature in wanted.items():
        assert _shape(offered[name]) == _shape(signature), name
        assert inspect.iscoroutinefunction(getattr(implementation, name)), name


def test_store_offers_every_repository_and_ping() -> None:
    store_methods = {"ping", "sources", "articles", "chats", "subscriptions", "outbox", "digests"}
    declared = {name for name in dir(ports.Storage) if not name.startswith("_")}
    assert store_methods <= declared
    assert inspect.iscoroutinefunction(repositories.Store.ping)
