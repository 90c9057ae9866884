"""Whole-page cache for public pages: rendered once per content change, personalised per visit.

A cached page is rendered with placeholders where the visitor's CSRF token and the spam guard's
"form shown at" stamp go; serving it swaps in fresh ones, so forms on a cached page work exactly
like on a freshly rendered one. Those per-visitor inputs sit at the end of the page (templates
put them there with `visitor_input`, tied to their form by the `form` attribute), so everything
before the first placeholder is the same for every visitor: it is compressed once per page
version and encoding (`compression.compress_prefix`), and each response only appends its own few
bytes. What has only a few values per visitor (the colour theme) is part of the cache key
(`register_cache_key`) instead. htmx partials are cached apart from full pages. A page is reused
only while the content version it was rendered at is current and for at most `MAX_AGE_SECONDS`,
which bounds how late a scheduled article can appear. Each process reads the shared version at
most once every `PAGE_CACHE_VERSION_SECONDS` (default 1 s; that read was a third of the cost of a
cached page), and at once after its own process committed a change: an edit shows immediately on
the worker that made it and within a second on the others. Visitors with a session that matters
(a coach logged in, a flashed message waiting) always get a fresh render.

A page that depends on more than its URL names it (`cached_page(vary=...)`, e.g. the zone a
visitor's cookie remembers): copies are kept apart per value and never served across them. A
page that goes stale with the clock before 60 seconds says when (`cache_page_until`).

Most visits are cache hits, and Flask's own dispatch (request context, hooks, response object)
cost more than the hit itself: `pagecache_wsgi` answers them before Flask, from the same
entries, with the same bytes and headers. An entry says whether it may be answered there
(`_Entry.early`): only when every hook Flask would run is known to do nothing more for it.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import wraps
from threading import Lock
from typing import Any

from flask import Flask, Response, current_app, g, has_app_context, make_response, request, session
from flask_wtf.csrf import generate_csrf
from jinja2 import Undefined
from markupsafe import Markup
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, UOWTransaction
from werkzeug.wrappers import Request

from blueprints.shared import visitor
from blueprints.shared.clock import timestamp
from blueprints.shared.compression import (
    MIN_SIZE,
    CompressedPrefix,
    accepted_encoding,
    compress_prefix,
    join_compressed,
)
from blueprints.shared.extensions import db
from blueprints.shared.htmx import wants_partial
from blueprints.shared.models import ContentVersion
from blueprints.shared.security import with_security_headers

CSRF_PLACEHOLDER = "__csrf-token-placeholder__"
_SET_AT_SERVE = {"content-length", "vary"}
MAX_AGE_SECONDS = 60.0
MAX_ENTRIES = 512
# Any query string makes its own copy (/drills/?anything): bytes are bounded too, or junk
# addresses would grow a worker without end (512 such copies of /drills/ were 13 MB).
MAX_BYTES = 8 * 1024 * 1024
MAX_PATHS = 4096

Vary = Callable[[Request], str]


def init_app(app: Flask) -> None:
    """Watch the session for content changes; the CSRF token is filled in per visit."""
    app.extensions.setdefault("page_cache_tables", set())
    app.extensions.setdefault("page_cache_placeholders", {})
    app.extensions.setdefault("page_cache_keys", [])
    # Flask-Login's own: a signed-in user, and a "remember me" cookie to refresh.
    app.extensions.setdefault(
        "page_cache_personal_session_keys", {"_user_id", "_flashes", "_remember"}
    )
    register_placeholder(app, CSRF_PLACEHOLDER, visitor.csrf_token_for)
    app.jinja_env.globals["visitor_input"] = visitor_input
    app.jinja_env.globals["visitor_csrf_input"] = visitor_csrf_input
    app.jinja_env.globals["page_tail"] = page_tail
    app.jinja_env.globals["rendering_for_cache"] = rendering_for_cache
    _install_listeners()


def register_content_tables(app: Flask, *names: str) -> None:
    """Tables whose rows appear on cached pages: a change to any of them raises the version."""
    app.extensions.setdefault("page_cache_tables", set()).update(names)


def register_placeholder(
    app: Flask, placeholder: str, fill: Callable[[Flask, MutableMapping[str, Any]], str]
) -> None:
    """A per-visitor value: rendered as `placeholder` for the cache, `fill(app, session)` at
    each visit (perhaps before Flask runs: no app or request context, so both are passed)."""
    app.extensions.setdefault("page_cache_placeholders", {})[placeholder] = fill


def register_cache_key(app: Flask, part: Vary) -> None:
    """A per-visitor value with few possible values (the theme): pages are cached per value.

    `part(request)` reads only the request it is given (its cookies, headers)."""
    app.extensions.setdefault("page_cache_keys", []).append(part)


def register_personal_session_key(app: Flask, key: str) -> None:
    """A session key that makes the page personal (a result to show once): never cached then."""
    app.extensions.setdefault("page_cache_personal_session_keys", set()).add(key)


def visitor_input(field: Any, form: str) -> Markup:
    """A hidden WTForms field carrying a per-visitor value, tied to the form with id `form`.

    Rendered in place normally; while rendering for the cache it moves to the end of the page
    (`page_tail`; the `form` attribute keeps it in its form), so that the rest of the page is
    the same for every visitor. A field the form does not have (no CSRF in some tests) is "".
    """
    if field is None or isinstance(field, Undefined):
        return Markup("")
    return _held_back(field(form=form))  # WTForms renders Markup


def visitor_csrf_input(form: str) -> Markup:
    """The CSRF token input for a plain form (no WTForms form) with id `form`."""
    html = Markup('<input type="hidden" name="csrf_token" value="{}" form="{}">')
    return _held_back(html.format(generate_csrf(), form))


def _held_back(markup: Markup) -> Markup:
    if not rendering_for_cache():
        return markup
    g.setdefault("_page_tail", []).append(markup)
    return Markup("")


def page_tail() -> Markup:
    """The per-visitor inputs `visitor_input` held back (base.html puts them before </body>)."""
    return Markup("").join(g.pop("_page_tail", []))


@dataclass
class _Entry:
    version: int
    stored_at: float
    prefix: bytes  # the same for every visitor: everything before the first placeholder
    tail: str  # the rest, placeholders filled in at each visit
    headers: list[tuple[str, str]]
    expires_at: float | None = None  # sooner than MAX_AGE_SECONDS when the view said so
    early: bool = False  # may be answered before Flask (pagecache_wsgi)
    compressed: dict[str, CompressedPrefix] = field(default_factory=dict)
    compressions: int = 0  # how many times the prefix was compressed (once per encoding)
    key: str = ""  # set when stored
    size: int = 0  # bytes held: prefix, tail and compressed copies

    def measure(self) -> int:
        """The bytes this entry holds now."""
        compressed = sum(len(c.data) for c in self.compressed.values())
        return len(self.prefix) + len(self.tail) + compressed


class _PageStore:
    """One app's cached pages, least recently used first, and the version last read."""

    def __init__(self) -> None:
        self.entries: OrderedDict[str, _Entry] = OrderedDict()
        self.lock = Lock()
        self.version: int | None = None
        self.version_read_at = float("-inf")
        # What else than its URL each cached path's page depends on (its view's `vary`), so a
        # key can be made before Flask has matched the URL to its view.
        self.vary_by_path: dict[str, Vary | None] = {}
        self.bytes = 0  # the entries' sizes, summed

    def get(self, key: str) -> _Entry | None:
        with self.lock:
            return self.entries.get(key)

    def put(self, key: str, entry: _Entry, path: str, vary: Vary | None) -> None:
        with self.lock:
            if len(self.vary_by_path) >= MAX_PATHS and path not in self.vary_by_path:
                self.vary_by_path.clear()
            self.vary_by_path[path] = vary
            replaced = self.entries.pop(key, None)
            if replaced is not None:
                self.bytes -= replaced.size
            entry.key, entry.size = key, entry.measure()
            self.entries[key] = entry
            self.bytes += entry.size
            self.evict_while_over()

    def evict_while_over(self) -> None:
        """Drop least recently used entries while over either bound (the lock held)."""
        while len(self.entries) > MAX_ENTRIES or (len(self.entries) > 1 and self.bytes > MAX_BYTES):
            self.bytes -= self.entries.popitem(last=False)[1].size


def _store() -> _PageStore:
    return current_app.extensions.setdefault("page_cache", _PageStore())  # type: ignore[no-any-return]


def cached_page(
    view: Callable[..., Any] | None = None,
    *,
    vary: Vary | None = None,
    hooks_idle: Callable[[Request], bool] | None = None,
) -> Any:
    """Serve this GET view from the page cache when the visitor's session allows it.

    `vary(request)` names what else, besides the URL, the page depends on (e.g. a remembered
    time zone read from a cookie): pages are cached apart for each of its values, never across.
    A view whose blueprint has request hooks is answered by Flask every time, unless
    `hooks_idle(request)` says those hooks do nothing for that URL (it may read only what the
    URL holds: the answer is kept with the page, whose key is the URL).
    """
    if view is None:
        return lambda function: cached_page(function, vary=vary, hooks_idle=hooks_idle)

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        if request.method != "GET" or is_personal(session, current_app):
            return make_response(view(*args, **kwargs))
        version = _recent_version()
        if version is None:  # no version row: nothing could tell us of edits
            return make_response(view(*args, **kwargs))
        key = cache_key(current_app, request, vary)
        entry = _store().get(key)
        if entry is None or entry.version != version or expired(entry):
            entry = _render_for_cache(view, args, kwargs, version)
            if entry is None:  # not a plain 200 page: the view's own answer, uncached
                return make_response(view(*args, **kwargs))
            entry.early = _hooks_known(current_app, request, hooks_idle)
            _store().put(key, entry, request.path, vary)
        return _personalised(entry)

    return wrapper


# Every app-wide hook, and why a cache hit answered before Flask (pagecache_wsgi) needs nothing
# more from it. A hook not listed turns early answers off (app_hooks_known), so a new hook
# cannot be skipped unnoticed.
KNOWN_APP_HOOKS = {
    # POST, PUT, PATCH and DELETE only: answered early are GETs.
    "flask_wtf.csrf.CSRFProtect.init_app.<locals>.csrf_protect": "GET is not checked",
    "blueprints.shared.security.refuse_nul_in_path": "a NUL in the path goes to Flask",
    "blueprints.shared.origin_check.refuse_cross_origin": "GET is not checked",
    # A cached page carries its compression and security headers; pagecache_wsgi adds HSTS.
    "blueprints.shared.compression._compress": "the cache compresses",
    "blueprints.shared.security._add_security_headers": "stored with the entry, HSTS here",
    "blueprints.shared.static_files._static_headers": "static files only",
    "blueprints.shared.htmx._vary_on_hx_request": "the entry's Vary names HX-Request",
    # Acts only on a session with _user_id or _remember, which is personal: Flask answers.
    "flask_login.login_manager.LoginManager._update_remember_cookie": "personal sessions only",
    "flask_sqlalchemy.extension.SQLAlchemy._teardown_session": "runs when the app context ends",
}


def app_hooks_known(app: Flask) -> bool:
    """True when every app-wide hook is in KNOWN_APP_HOOKS (checked once per app)."""
    known = app.extensions.get("page_cache_wsgi_hooks_known")
    if known is None:
        hooks = [
            *app.before_request_funcs.get(None, []),
            *app.after_request_funcs.get(None, []),
            *app.url_value_preprocessors.get(None, []),
            *app.teardown_request_funcs.get(None, []),
            *app.teardown_appcontext_funcs,
        ]
        known = all(f"{hook.__module__}.{hook.__qualname__}" in KNOWN_APP_HOOKS for hook in hooks)
        app.extensions["page_cache_wsgi_hooks_known"] = known
    return known  # type: ignore[no-any-return]


def cache_key(app: Flask, req: Request, vary: Vary | None) -> str:
    """The key of `req`'s page: its URL, page or partial, the registered parts, `vary`'s value.

    Made from the request alone, so that Flask's path and `pagecache_wsgi` agree on it."""
    parts = [req.full_path, "htmx" if wants_partial(req.headers) else "page"]
    parts += [part(req) for part in app.extensions["page_cache_keys"]]
    if vary is not None:
        parts.append(str(vary(req)))
    return "\n".join(parts)


def is_personal(visitor_session: Mapping[str, Any], app: Flask) -> bool:
    """True when the session holds something that makes pages personal (never cached then)."""
    return any(key in visitor_session for key in app.extensions["page_cache_personal_session_keys"])


def _hooks_known(app: Flask, req: Request, hooks_idle: Callable[[Request], bool] | None) -> bool:
    """May this page be answered before Flask? Only if every hook Flask would run for it is one
    `pagecache_wsgi` stands in for, or its blueprint's hooks are idle for this URL."""
    if not app_hooks_known(app):
        return False
    registries = (app.before_request_funcs, app.after_request_funcs, app.url_value_preprocessors)
    blueprint_hooks = any(registry.get(name) for name in req.blueprints for registry in registries)
    blueprint_hooks |= any(app.teardown_request_funcs.get(name) for name in req.blueprints)
    return not blueprint_hooks or (hooks_idle is not None and hooks_idle(req))


def rendering_for_cache() -> bool:
    """True while a page is rendered for the cache: per-visitor values become placeholders."""
    return bool(g.get("_rendering_for_cache"))


def _recent_version() -> int | None:
    store = _store()
    now = time.monotonic()
    if not version_is_recent(current_app, store, now):
        store.version = current_version()
        store.version_read_at = now
    return store.version


def version_is_recent(app: Flask, store: _PageStore, now: float) -> bool:
    """Whether the version this process read is recent enough to go by (at `now`, monotonic)."""
    return now - store.version_read_at < app.config["PAGE_CACHE_VERSION_SECONDS"]


def current_version() -> int | None:
    """The content version every worker shares (None if the row is missing)."""
    return db.session.scalar(select(ContentVersion.version).where(ContentVersion.id == 1))


def cache_page_until(moment: float) -> None:
    """While rendering for the cache: this page goes stale at `moment` (epoch seconds)."""
    if rendering_for_cache():
        earlier = g.get("_page_cache_expires_at")
        g._page_cache_expires_at = moment if earlier is None else min(earlier, moment)


def expired(entry: _Entry) -> bool:
    """Past MAX_AGE_SECONDS, or past the moment the view said the page goes stale."""
    now = timestamp()
    return now - entry.stored_at > MAX_AGE_SECONDS or (
        entry.expires_at is not None and now >= entry.expires_at
    )


def _render_for_cache(
    view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], version: int
) -> _Entry | None:
    g.csrf_token = CSRF_PLACEHOLDER  # Flask-WTF hands out g.csrf_token when it is set
    g._rendering_for_cache = True
    try:
        response = make_response(view(*args, **kwargs))
    finally:
        g.pop("csrf_token", None)
        g.pop("_rendering_for_cache", None)
        expires_at = g.pop("_page_cache_expires_at", None)
        held_back = g.pop("_page_tail", None)
    if response.status_code != 200 or response.mimetype != "text/html" or held_back:
        return None  # held_back: a template without page_tail() would lose the inputs
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _SET_AT_SERVE]
    # Copies differ by encoding, by the visitor's cookies and by htmx: say so once, here.
    vary = [name.strip() for name in response.headers.get("Vary", "").split(",") if name.strip()]
    vary += [name for name in ("Accept-Encoding", "Cookie", "HX-Request") if name not in vary]
    headers.append(("Vary", ", ".join(vary)))
    headers = with_security_headers(headers)
    body = response.get_data(as_text=True)
    placeholders = current_app.extensions["page_cache_placeholders"]
    split = min((i for p in placeholders if (i := body.find(p)) >= 0), default=len(body))
    prefix, tail = body[:split].encode(), body[split:]
    return _Entry(version, timestamp(), prefix, tail, headers, expires_at)


def _personalised(entry: _Entry) -> Response:
    encoding = accepted_encoding(request)
    body, encoding = personal_body(current_app, _store(), entry, session, encoding)
    response = Response(body, status=200, headers=entry.headers)
    if encoding is not None:
        response.headers["Content-Encoding"] = encoding
    # Set once with the entry: the security and compression hooks have nothing left to do.
    response.security_headers_included = True  # type: ignore[attr-defined]
    response.encoded_by_page_cache = True  # type: ignore[attr-defined]
    return response


def personal_body(
    app: Flask,
    store: _PageStore,
    entry: _Entry,
    visitor_session: MutableMapping[str, Any],
    encoding: str | None,
) -> tuple[bytes, str | None]:
    """The entry's page for this visitor (placeholders filled in), in `encoding` if it is worth
    it, and the encoding used (None: as it is)."""
    tail = entry.tail
    if tail:
        for placeholder, fill in app.extensions["page_cache_placeholders"].items():
            if placeholder in tail:
                tail = tail.replace(placeholder, fill(app, visitor_session))
    tail_bytes = tail.encode()
    if encoding is not None and len(entry.prefix) + len(tail_bytes) >= MIN_SIZE:
        return join_compressed(_compressed_prefix(store, entry, encoding), tail_bytes), encoding
    return entry.prefix + tail_bytes, None


def _compressed_prefix(store: _PageStore, entry: _Entry, encoding: str) -> CompressedPrefix:
    """The entry's shared part in `encoding`, compressed the first time it is asked for."""
    compressed = entry.compressed.get(encoding)
    if compressed is None:
        with store.lock:  # two threads of one process never compress it twice
            compressed = entry.compressed.get(encoding)
            if compressed is None:
                compressed = compress_prefix(entry.prefix, encoding)
                entry.compressed[encoding] = compressed
                entry.compressions += 1
                entry.size += len(compressed.data)
                if store.entries.get(entry.key) is entry:  # still held
                    store.bytes += len(compressed.data)
                    store.evict_while_over()
    return compressed


def _install_listeners() -> None:
    """Once per process: the listeners are on the Session class and look up the app's tables."""
    listeners = (
        ("after_flush", _raise_version_on_content_change),
        ("do_orm_execute", _raise_version_on_bulk_change),
        ("after_commit", _reread_version_after_own_change),
        ("after_rollback", _forget_rolled_back_change),
    )
    for name, listener in listeners:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _content_tables() -> set[str]:
    if not has_app_context():
        return set()
    return current_app.extensions.get("page_cache_tables", set())  # type: ignore[no-any-return]


def _raise_version_on_content_change(session: Session, _flush: UOWTransaction) -> None:
    tables = _content_tables()
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(getattr(obj, "__tablename__", None) in tables for obj in changed):
        _raise_version(session)


def _raise_version_on_bulk_change(state: Any) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _content_tables():
        _raise_version(state.session)


def _reread_version_after_own_change(session: Session) -> None:
    if session.info.pop("content_changed", False) and has_app_context():
        _store().version_read_at = float("-inf")


def _forget_rolled_back_change(session: Session) -> None:
    session.info.pop("content_changed", None)


def _raise_version(session: Session) -> None:
    session.info["content_changed"] = True
    session.connection().execute(
        update(ContentVersion.__table__)
        .where(ContentVersion.__table__.c.id == 1)
        .values(version=ContentVersion.__table__.c.version + 1)
    )
