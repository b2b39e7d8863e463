"""HTML to PDF with WeasyPrint (Pango and HarfBuzz shape Thai and Arabic; the fonts are
Debian's fonts-noto-core, installed by scripts/bootstrap)."""

from __future__ import annotations


def _no_fetching(url: str, *args, **kwargs):
    """A document is self-contained: nothing is fetched while it is rendered (no file, no
    network), so a text typed into a case cannot make the server read anything."""
    raise ValueError(f"documents fetch nothing: {url[:60]}")


def from_html(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf()
