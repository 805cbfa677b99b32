"""WeasyPrint fetches nothing but the project's own static files: a template given a local file,
a loopback URL or an @import gets none of them, and every refusal is logged."""

import http.server
import logging
import threading

import pytest
from django.template.loader import get_template

from reports.rendering import StaticOnlyFetcher, render_pdf, static_root
from tests.reports.conftest import pdftotext


@pytest.fixture
def loopback_server():
    """A web server on 127.0.0.1 that counts the requests it receives."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def test_a_template_asking_for_local_files_loopback_urls_and_imports_fetches_nothing(loopback_server, caplog, tmp_path):
    base, hits = loopback_server
    html = f"""<!doctype html><html><head>
      <link rel="stylesheet" href="{base}/style.css">
      <style>@import url("{base}/imported.css"); @import url("file:///etc/passwd");
             body {{ background: url("{base}/bg.png"); }}</style></head>
      <body><p>Corps du rapport</p>
      <img src="file:///etc/passwd"><img src="{base}/img.png"><img src="../../../../etc/hostname">
      <object data="file:///etc/passwd"></object><iframe src="{base}/frame"></iframe>
      <img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="></body></html>"""
    with caplog.at_level(logging.WARNING, logger="reports.rendering"):
        pdf = render_pdf(html)
    (tmp_path / "x.pdf").write_bytes(pdf)
    assert hits == []
    text = pdftotext(tmp_path / "x.pdf")
    assert "Corps du rapport" in text and "root:" not in text
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert any("/etc/passwd" in m for m in refused)
    assert any("127.0.0.1" in m for m in refused)
    assert any("imported.css" in m for m in refused)


def test_the_fetcher_serves_the_project_s_pdf_stylesheets_only():
    fetcher = StaticOnlyFetcher()
    css = (static_root() / "report.css").as_uri()
    assert b"@page" in fetcher.fetch(css).read()
    for url in ("file:///etc/passwd", (static_root() / ".." / ".." / "manage.py").as_uri(), "http://127.0.0.1/"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


@pytest.mark.parametrize("name", ["reports/pdf/report.html", "cases/pdf/convocation.html"])
def test_every_pdf_template_links_only_its_own_stylesheet(name):
    source = get_template(name).template.source
    assert "http" not in source and "file:" not in source and "|safe" not in source and "autoescape off" not in source
