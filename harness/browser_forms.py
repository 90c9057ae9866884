"""A visitor over plain HTTP that fills in the site's real forms, as a browser without JavaScript.

It fetches the page, reads the form (hidden tokens, prefilled values, the first option of each
choice), changes the fields it is told to and posts it, from its own loopback address and with its
own cookies. Used by the mixed load benchmark (bench/mixed_load.py), so that it follows the forms as
they are rather than a copy of their fields.
"""

from __future__ import annotations

import http.client
import random
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit


@dataclass
class Form:
    """One <form>: where it posts, and what a browser would send unchanged."""

    action: str
    method: str
    id: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)  # radio and select options


class _FormReader(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._owner: Form | None = None  # the form the current <select>/<textarea> is in
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = urljoin(self.page_path, a.get("action") or self.page_path)
            self.forms.append(Form(action, a.get("method", "get").lower(), a.get("id", "")))
            return
        if tag == "option" and self._select is not None and self._owner is not None:
            value = a.get("value", "")
            self._owner.choices[self._select].append(value)
            if "selected" in a or self._select not in self._owner.fields:
                self._owner.fields[self._select] = value
            return
        form = self._form_of(a)
        if form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("radio", "checkbox"):
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields[name] = a.get("value", "on")
                return
            form.fields[name] = a.get("value", "")
        elif tag == "select":
            self._owner, self._select = form, name
            form.choices.setdefault(name, [])
        elif tag == "textarea":
            self._owner, self._textarea = form, name
            form.fields[name] = ""

    def _form_of(self, a: dict[str, str]) -> Form | None:
        """The form a control belongs to: its `form` attribute's, else the one it is in.

        A cached page holds its per-visitor inputs at the end of the page, tied to their form
        by that attribute (blueprints/shared/pagecache.py)."""
        if a.get("form"):
            return next((form for form in self.forms if form.id == a["form"]), None)
        return self.forms[-1] if self.forms else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._owner is not None:
            # as a browser does: a newline just after <textarea> is not part of the value
            value = self._owner.fields[self._textarea]
            self._owner.fields[self._textarea] = (
                value[2:] if value.startswith("\r\n") else value.removeprefix("\n")
            )
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self._owner is not None:
            self._owner.fields[self._textarea] += data


def forms_on(page: str, page_path: str) -> list[Form]:
    """Every form of an HTML page."""
    reader = _FormReader(page_path)
    reader.feed(page)
    return reader.forms


@dataclass(frozen=True)
class Reply:
    """A response: status (0: no answer), body, Location."""

    status: int
    body: str
    location: str


class Visitor:
    """One browser: its own cookie jar and loopback address, a connection per request."""

    def __init__(self, url: str, address: str = "127.0.0.1") -> None:
        parts = urlsplit(url)
        self.origin = url
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.address = address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Reply:
        """One request; a dropped connection answers status 0."""
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Sec-Fetch-Site": "same-origin",
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=60, source_address=(self.address, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            return Reply(0, "", "")
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return Reply(response.status, content, response.headers.get("Location", ""))

    def form(self, page: str, action: str) -> tuple[Reply, Form | None]:
        """GET `page` and find its POST form whose action path ends with `action`."""
        reply = self.request("GET", page)
        for form in forms_on(reply.body, page) if reply.status == 200 else []:
            if form.method == "post" and urlsplit(form.action).path.endswith(action):
                return reply, form
        return reply, None

    def submit(self, form: Form, changes: dict[str, str], pick: tuple[str, ...] = ()) -> Reply:
        """POST `form` with `changes`; each field named in `pick` takes a random offered choice."""
        values = dict(form.fields)
        for name in pick:
            if form.choices.get(name):
                values[name] = random.choice(form.choices[name])  # noqa: S311 - load, not secrets
        for name, value in changes.items():
            # a prefixed form (`newsletter-email`) takes the change by its field's own name
            prefixed = [key for key in values if key.endswith(f"-{name}")]
            values[name if name in values or not prefixed else prefixed[0]] = value
        return self.request("POST", form.action, values)
