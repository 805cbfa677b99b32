"""HTML to PDF with WeasyPrint, fetching nothing but the project's own static files: no http,
no file:// outside static/, no redirects, no data: URLs; every refused fetch is logged.

Fonts are not fetched either: the stylesheets name families that fontconfig finds among the system
fonts the project installs (DejaVu Sans; Amiri, Debian fonts-hosny-amiri, for the documents in
Arabic), so no @font-face reaches this fetcher."""

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

MIME = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".ttf": "font/ttf",
    ".woff2": "font/woff2",
}


def static_root() -> Path:
    return (Path(settings.BASE_DIR) / "static" / "pdf").resolve()


class StaticOnlyFetcher(URLFetcher):
    def __init__(self):
        super().__init__(timeout=5, allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        root = static_root()
        if parts.scheme == "file" and not parts.netloc:
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(root) and path.is_file() and path.suffix in MIME:
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": MIME[path.suffix]})
        logger.warning("PDF rendering: refused to fetch %s", url[:200])
        raise ValueError(f"fetch refused: {url[:200]}")


def render_document(html: str):
    """Lays out trusted template output (user text already escaped by the templates): the pages,
    before they are written as PDF."""
    base_url = static_root().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyFetcher()).render()


def render_pdf(html: str) -> bytes:
    return render_document(html).write_pdf()
