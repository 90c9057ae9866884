"""Cross-cutting pieces used by every blueprint: database, htmx, mail outbox, markdown, spam."""
