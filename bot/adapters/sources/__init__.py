"""Sources: fetching and parsing news feeds and article pages, politely and safely.

Import from the modules (this package imports nothing, so a light import such as the policy
functions does not pull in httpx):

- ``fetcher``: ``SourceFetcher`` (``async with``; ``fetch(url, etag=, last_modified=,
  previous_hash=) -> FetchResult``), ``FetchLimits``, ``USER_AGENT``
- ``ssrf``: ``FetchFailed`` (kind, status, retry_after), ``SsrfGuard``, ``refusal_reason``
- ``reader``: ``parse(result, options=ReadOptions(...)) -> list[Article]``, ``read_document``
- ``feeds`` / ``jsonfeed`` / ``pages``: the parsers; ``articles``: entries → ``Article``
- ``policy``: ``next_poll_after_failure``, ``should_pause``, ``parse_retry_after``
- ``config``: sources.toml (``load_sources``, ``save_sources``, ``add_source``,
  ``remove_source``, ``ConfiguredSource``); ``opml``: ``read_opml_file``, ``write_opml``
- ``check``: ``check_sources``, ``summary_table``, ``run_sources_check``, ``run_opml_import``
- ``loader``: ``load_articles(source)``; ``inspect_cmd``: ``run_inspect(...)``
"""
