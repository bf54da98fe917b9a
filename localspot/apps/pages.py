"""The consent page and the page for a bad install request, rendered from the package's templates with
every value escaped."""

from __future__ import annotations

import functools

import jinja2

from localspot.apps.oauth import ConsentRequest


@functools.cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("localspot.apps"), autoescape=True)


def consent_page(request: ConsentRequest, portals: list[int], chosen: int | None) -> str:
    return (
        _templates()
        .get_template("consent.html")
        .render(
            app=request.app,
            scopes=request.scopes,
            redirect_uri=request.redirect_uri,
            state=request.state,
            portals=portals,
            chosen=chosen,
        )
    )


def problem_page(problem: str) -> str:
    return _templates().get_template("problem.html").render(problem=problem)
