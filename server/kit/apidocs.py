"""``/docs``: Swagger UI for ``/openapi.json``, served from our own origin.

quart-schema's page loads Swagger UI from a CDN with an inline script; an installation that keeps
everything on-site cannot reach the CDN, and our Content-Security-Policy allows no inline script.
The client build copies Swagger UI's files into ``client/dist/docs/`` (see ``vite.config.ts``);
this page only links them.
"""

from __future__ import annotations

from pathlib import Path

from quart import Blueprint, Response
from quart_schema import hide

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Onsite API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
"""
NOT_BUILT = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Onsite API</title>"
    "</head><body><h1>Onsite API</h1><p>The API documentation page is part of the browser app, "
    "which is not built yet: run <code>make client</code>. The schema itself is at "
    "<a href='/openapi.json'>/openapi.json</a>.</p></body></html>"
)


def docs_blueprint(dist: Path) -> Blueprint:
    blueprint = Blueprint("apidocs", __name__)

    @blueprint.get("/docs")
    @hide
    async def docs() -> Response:
        built = (dist / "docs" / "swagger-ui-bundle.js").is_file()
        return Response(PAGE if built else NOT_BUILT, mimetype="text/html")

    return blueprint
