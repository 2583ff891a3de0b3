"""Sources: fetching and parsing news feeds and article pages, politely and safely.

Import from the modules (this package imports nothing itself, so importing one module does
not pull in the others). Backoff, pausing and Retry-After parsing live in
``bot.domain.source_policy``.

- ``fetcher``: ``SourceFetcher`` (``async with``; ``fetch(url, etag=, last_modified=,
  previous_hash=) -> FetchResult``), ``FetchLimits``, ``USER_AGENT``
- ``ssrf``: ``FetchFailed`` (kind, status, retry_after), ``SsrfGuard``, ``refusal_reason``
- ``reader``: ``parse(result, options=ReadOptions(...)) -> list[Article]``, ``read_document``
- ``feeds`` / ``jsonfeed`` / ``pages``: the parsers; ``articles``: entries → ``Article``
- ``config``: sources.toml (``load_sources``, ``save_sources``, ``add_source``,
  ``remove_source``, ``ConfiguredSource``); ``opml``: ``read_opml_file``, ``write_opml``
- ``check``: ``check_sources``, ``summary_table``, ``run_sources_check``, ``run_opml_import``
- ``loader``: ``load_articles(source)``; ``inspect_cmd``: ``run_inspect(...)``
"""
