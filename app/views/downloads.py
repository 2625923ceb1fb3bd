"""Sending generated files with a Chinese file name."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any
from urllib.parse import quote

from flask import Response, current_app, send_file

from app.documents.receipt import FontUnavailable, find_font
from app.documents.spreadsheet import write_xlsx
from app.services.review import PUBLICITY_HEADER, publicity_rows

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def content_disposition(filename: str, inline: bool = False) -> str:
    """RFC 6266/5987: an ASCII fallback plus the UTF-8 name every current browser uses."""
    kind = "inline" if inline else "attachment"
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def send_bytes(body: bytes, filename: str, mimetype: str, inline: bool = False) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename, inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def send_stream(file: IO[bytes], filename: str, mimetype: str) -> Response:
    """A generated file (a spooled temporary file at position 0) sent in blocks, never read
    whole into memory; the server closes it, which deletes it, once the response is sent.
    Exports hold personal data: no cache keeps a copy."""
    size = file.seek(0, 2)
    file.seek(0)
    response = send_file(file, mimetype=mimetype, as_attachment=True, download_name=filename)
    response.content_length = size
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


def render_pdf(build: Callable[[Any, str], bytes], data: Any) -> bytes | None:
    """``build(data, font_path)`` with the configured CJK font; None (and a log line) when no
    usable font is installed, so the page can say so instead of failing."""
    config = current_app.config
    font = find_font(config.get("PDF_FONT_PATH"), config.get("PDF_FONT_CANDIDATES", ()))
    try:
        if font is None:
            raise FontUnavailable("no CJK font installed")
        return build(data, font)
    except FontUnavailable:
        current_app.logger.error("%s: no usable CJK font (PDF_FONT_PATH=%s)", build.__name__, font)
        return None


def publicity_list(publicity, subject: str) -> Response:
    """A publicity's printable list (.xlsx): ``subject`` names it (职称申报, 职称评审结果)."""
    title = f"{publicity.starts_on:%Y年%m月%d日}至{publicity.ends_on:%Y年%m月%d日}{subject}公示名单"
    rows = publicity_rows(publicity)
    body = write_xlsx(title, PUBLICITY_HEADER, rows, caption=title)
    return send_stream(body, f"{title}.xlsx", XLSX_MIME)
