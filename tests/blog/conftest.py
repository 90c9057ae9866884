"""Articles for the blog tests, written the way the studio writes them: apply_body + commit."""

from __future__ import annotations
