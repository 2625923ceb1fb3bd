"""Evidence files for everyone signed in, after the row-level check (``attachment_for``).

A file outside the reader's scope answers 404 like a file that does not exist, so ids cannot be
probed. Responses carry the exact type, ``X-Content-Type-Options: nosniff``, the Chinese name
(RFC 5987 ``filename*``), and are private to the browser. A PDF that carries JavaScript is
never shown inline: it is only offered as a download.
"""

from __future__ import annotations

import io

from flask import Response, abort, current_app, send_file
from flask_appbuilder import AppBuilder, expose, has_access
from PIL import Image, JpegImagePlugin

from app.extensions import db
from app.models import Attachment
from app.services.attachments import AttachmentNotFound, attachment_for, get_store
from app.views.base import RoleView

THUMB_BOX = (240, 240)
THUMB_QUALITY = 80
#: stored images were size-checked on upload; this bounds a thumbnail's decode all the same
THUMB_MAX_PIXELS = 40_000_000
INLINE_TYPES = frozenset({"image/jpeg", "application/pdf"})


class AttachmentView(RoleView):
    route_base = "/attachments"
    default_view = "download"

    def _row(self, attachment_id: int) -> Attachment:
        try:
            return attachment_for(db.session, self.actor(), attachment_id)
        except AttachmentNotFound:
            abort(404)

    def _bytes(self, row: Attachment) -> bytes:
        try:
            with get_store().open(row.sha256) as handle:
                return handle.read()
        except FileNotFoundError:
            current_app.logger.error("attachment %s: file %s missing in store", row.id, row.sha256)
            abort(404)

    def _send(self, row: Attachment, *, inline: bool) -> Response:
        inline = inline and row.mime in INLINE_TYPES and not row.has_javascript
        response = send_file(
            io.BytesIO(self._bytes(row)),
            mimetype=row.mime,
            as_attachment=not inline,
            download_name=row.original_name,
            etag=row.sha256,
            conditional=True,
            max_age=0,
        )
        return _private(response)

    @expose("/<int:attachment_id>")
    @has_access
    def download(self, attachment_id: int):
        return self._send(self._row(attachment_id), inline=False)

    @expose("/<int:attachment_id>/inline")
    @has_access
    def inline(self, attachment_id: int):
        return self._send(self._row(attachment_id), inline=True)

    @expose("/<int:attachment_id>/thumb")
    @has_access
    def thumb(self, attachment_id: int):
        row = self._row(attachment_id)
        if not row.is_image:
            abort(404)
        try:
            data = thumbnail(self._bytes(row))
        except (OSError, ValueError):
            current_app.logger.exception("attachment %s: no thumbnail", row.id)
            abort(404)
        response = send_file(
            io.BytesIO(data),
            mimetype="image/jpeg",
            etag=f"{row.sha256}-t{THUMB_BOX[0]}",
            conditional=True,
            max_age=0,
        )
        return _private(response)


def thumbnail(data: bytes) -> bytes:
    """A small JPEG of a stored JPEG; JPEG draft mode decodes at 1/2-1/8 scale, so it is fast."""
    image = JpegImagePlugin.JpegImageFile(io.BytesIO(data))
    width, height = image.size
    if width * height > THUMB_MAX_PIXELS:
        raise ValueError("image too large for a thumbnail")
    image.draft("RGB", THUMB_BOX)
    image = image.convert("RGB")
    image.thumbnail(THUMB_BOX, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=THUMB_QUALITY)
    return buffer.getvalue()


def _private(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.public = False
    response.cache_control.must_revalidate = True
    return response


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view_no_menu(AttachmentView)
