"""HTML to PDF with WeasyPrint (Pango and HarfBuzz shape Thai and Arabic; the fonts are
Debian's fonts-noto-core, installed by scripts/bootstrap)."""

from __future__ import annotations

from pathlib import Path

STYLE_SHEET = Path(__file__).resolve().parent.parent / "static" / "documents.css"


def _no_fetching(url: str, *args, **kwargs):
    """A document is self-contained: nothing is fetched while it is rendered (no file, no
    network), so a text typed into a case cannot make the server read anything."""
    raise ValueError(f"documents fetch nothing: {url[:60]}")


def _css_string(text: str) -> str:
    return '"' + "".join(c if c.isalnum() or c in " -·/" else f"\\{ord(c):x} "
                         for c in text) + '"'


def from_html(html: str, footer: str) -> bytes:
    """The page as a PDF, with the documents' style sheet and ``footer`` and the page
    number at the foot of every page."""
    import weasyprint

    page = (f"@page {{ @bottom-center {{ content: {_css_string(footer)} \" · \" "
            "counter(page) \" / \" counter(pages); font: 8pt \"Noto Sans\", sans-serif; "
            "color: #555; } }")
    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[
        weasyprint.CSS(string=STYLE_SHEET.read_text(encoding="utf-8")),
        weasyprint.CSS(string=page)])
