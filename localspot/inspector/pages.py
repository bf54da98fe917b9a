"""The inspector's HTML, rendered from the package's templates with autoescape on: every value that comes from
a portal (record data, request bodies, names) is escaped wherever it lands, and the pages carry a Content
Security Policy allowing only the package's own script and style, so even a value that slipped through could
not run."""

from __future__ import annotations

import functools
import json
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from starlette.responses import HTMLResponse

from localspot.control.journal import Exchange, render

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def pretty(text: str | None) -> str:
    """A body as indented JSON when it is JSON, else as it is."""
    if not text:
        return ""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def query(**params: Any) -> str:
    """`?a=1&b=2` from the given parameters, skipping empty ones; lists repeat their name."""
    pairs = [
        (name, item)
        for name, value in params.items()
        for item in (value if isinstance(value, list | tuple) else [value])
        if item not in (None, "", False)
    ]
    return f"?{urlencode(pairs)}" if pairs else ""


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("localspot.inspector"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pretty"] = pretty
    env.filters["segment"] = lambda value: quote(str(value), safe="")
    env.globals["query"] = query
    env.globals["prefix"] = "/_localspot/ui"
    return env


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("nav", None)
    context.setdefault("notice", None)
    context.setdefault("problem", None)
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def exchange_html(entry: Exchange) -> str:
    """One journal entry as the requests page lists it (the live stream sends the same HTML)."""
    return environment().get_template("exchange.html").render(entry=render(entry))
