"""HTTP on PORT: health, readiness, Prometheus metrics, Slack events and the Telegram webhook."""
