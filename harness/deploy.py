"""The deployment tests' parts: Debian's nginx, a client that keeps cookies, a host's env."""

from __future__ import annotations

import http.client
import ssl
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

# Every variable check-deploy reads that a developer's shell might set.
CHECKED = (
    "SECRET_KEY", "SITE_URL", "TRUSTED_HOSTS", "MAIL_SERVER", "COACH_EMAIL",
    "MAIL_DEFAULT_SENDER", "COACH_TIMEZONE", "SESSION_COOKIE_SECURE", "DATABASE_URL",
    "PROXY_FIX_X_FOR", "PROXY_FIX_X_PROTO", "FLASK_DEBUG",
)  # fmt: skip


def good_env(database: Path) -> dict[str, str]:
    """A production configuration with nothing wrong."""
    return {
        "SECRET_KEY": "k" * 64,
        "SITE_URL": "https://strongspine.example",
        "TRUSTED_HOSTS": "strongspine.example",
        "MAIL_SERVER": "smtp.strongspine.example",
        "COACH_EMAIL": "maya@strongspine.example",
        "MAIL_DEFAULT_SENDER": "Strong Spine Studio <studio@strongspine.example>",
        "COACH_TIMEZONE": "Europe/London",
        "DATABASE_URL": f"sqlite:///{database}",
        "PROXY_FIX_X_FOR": "1",
        "PROXY_FIX_X_PROTO": "1",
    }


class FormFields(HTMLParser):
    """The values a browser would send for the first form whose action contains `action`."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.fields: dict[str, str] = {}
        self._inside = self.done = False
        self._textarea: str | None = None
        self._select: str | None = None
        self.form_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note each control of the form with its current value."""
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and self.action in a.get("action", ""):
            self._inside, self.form_id = True, a.get("id")
        owned = self.form_id is not None and a.get("form") == self.form_id
        if not (self._inside or owned) or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") in ("checkbox", "radio"):
            if "checked" in a:
                self.fields[a["name"]] = a.get("value", "on")
        elif tag == "input" and a.get("type") not in ("submit", "file", "button"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
        elif (
            tag == "option"
            and self._select
            and ("selected" in a or self._select not in self.fields)
        ):
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        """Close what the tag closes."""
        if tag == "form" and self._inside:
            self._inside, self.done = False, True
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        """A textarea's text is its value."""
        if self._inside and self._textarea:
            self.fields[self._textarea] += (
                data.removeprefix("\n") if not self.fields[self._textarea] else data
            )


def form_fields(page: str, action: str) -> dict[str, str]:
    """What a browser would send for the form of `page` whose action contains `action`."""
    parser = FormFields(action)
    parser.feed(page)
    assert parser.done, f"no form posting to {action}"
    return parser.fields


class Browser:
    """A client at one loopback address (127.0.0.2, ...) that keeps its cookies."""

    def __init__(self, source: str, https_port: int, http_port: int) -> None:
        self.source, self.https_port, self.http_port = source, https_port, http_port
        self.cookies: dict[str, str] = {}
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE  # a throwaway self-signed certificate

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, str] | None = None,
        *,
        https: bool = True,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        """(status, headers, body) of one request, cookies kept."""
        status, got, raw = self.fetch(method, path, body, https=https, headers=headers)
        return status, got, raw.decode("utf-8", "replace")

    def fetch(
        self,
        method: str,
        path: str,
        body: dict[str, str] | None = None,
        *,
        https: bool = True,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body bytes as sent) of one request, cookies kept."""
        if https:
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", self.https_port, context=self.context,
                source_address=(self.source, 0), timeout=30,
            )  # fmt: skip
            host = f"localhost:{self.https_port}"
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.http_port, source_address=(self.source, 0), timeout=30
            )
            host = f"localhost:{self.http_port}"
        sent = {"Host": host, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"https://{host}"
            sent["Referer"] = f"https://{host}/"
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            raw = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
                    if "max-age=0" in rest.lower() or "expires=thu, 01 jan 1970" in rest.lower():
                        del self.cookies[key]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, raw
        finally:
            connection.close()

    def sign_up(self, slug: str, email: str) -> int:
        """Fill in and send a program's signup form as a browser would; the status."""
        status, _, page = self.request("GET", f"/programs/{slug}")
        assert status == 200
        form = {
            **form_fields(page, f"/programs/{slug}/signup"),
            "name": "Ann Example", "email": email, "phone": "",
            "goals": "Carry my shopping home without a sore back.",
            "history": "Low back ache on and off for three years.",
            "consent": "y", "website": "",
        }  # fmt: skip
        status, headers, _ = self.request("POST", f"/programs/{slug}/signup", form)
        if status == 303:  # follow, as a browser does, to the page saying what happened
            self.request("GET", urllib.parse.urlsplit(headers["location"]).path)
        return status
