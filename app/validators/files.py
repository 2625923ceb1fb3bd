"""Attachment validation by content (DESIGN §5 "Attachments"; reference/rules.md).

Pure functions: bytes in, a ``ValidatedFile`` (the bytes to store) or ``FileRejected`` out.
JPEGs are decoded and re-encoded, so whatever rides along (EXIF/GPS, ICC, appended archives)
never reaches the store; PDFs are parsed and kept byte for byte.

No process-wide Pillow state is touched (``Image.MAX_IMAGE_PIXELS``, warning filters): workers
run requests in threads, so the pixel limit is applied per call to the size read from the
header, before anything is decoded.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import struct
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from fpdf import FPDF
from PIL import Image, JpegImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

MB = 1024 * 1024
#: rules.md "attachment size": ≤ 2 MB each (manual §1.4)
MAX_ATTACHMENT_BYTES = 2 * MB
#: rules.md "ID photo": ≤ 1 MB (manual §1.4 (一) 2)
MAX_ID_PHOTO_BYTES = 1 * MB
#: a 2 MB JPEG of a scanned A4 page at 600 dpi is ~35 Mpx; more is a bomb, not a scan
MAX_IMAGE_PIXELS = 40_000_000
#: 1-inch photo at 300 dpi (manual §1.4 (一) 2); any image of the same aspect is accepted
ID_PHOTO_SIZE = (295, 413)
ID_PHOTO_ASPECT_TOLERANCE = 0.03
JPEG_QUALITIES = (90, 80, 70, 60)
MAX_NAME_CHARS = 200

MSG_EMPTY = "文件为空，请重新选择文件"
MSG_TYPE = "文件类型不支持，只能上传JPG、JPEG或PDF文件"
MSG_IMAGE_BROKEN = "图片文件已损坏，无法打开"
MSG_IMAGE_TOO_LARGE = "图片尺寸过大（{w}×{h}像素），请缩小后重新上传"
MSG_PDF_ENCRYPTED = "PDF文件已加密，请上传未加密的文件"
MSG_PDF_NO_PAGES = "PDF文件没有页面"
MSG_PDF_BROKEN = "PDF文件已损坏"
MSG_PHOTO_TYPE = "证件照须为JPG格式"
MSG_PHOTO_RATIO = "证件照须为1寸比例（宽295×高413像素，或相同宽高比）"
MSG_MERGE_EMPTY = "请选择要合成的文件"

Kind = Literal["image", "pdf"]


class FileRejected(ValueError):
    """The upload is refused; ``message`` is shown to the applicant as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ValidatedFile:
    content: bytes = field(repr=False)  #: the bytes to store (re-encoded for images)
    kind: Kind
    mime: str
    size: int
    pages: int
    width: int | None
    height: int | None
    original_name: str
    sha256: str
    #: the PDF carries JavaScript actions; kept, but viewers should not run it
    has_javascript: bool = False


def validate_upload(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = MAX_ATTACHMENT_BYTES,
    max_pixels: int = MAX_IMAGE_PIXELS,
) -> ValidatedFile:
    """Check an evidence attachment (JPG, JPEG or PDF, ≤ ``max_bytes``) by its content."""
    kind = sniff_kind(data)
    if kind is None:
        raise FileRejected(MSG_TYPE)
    if len(data) > max_bytes:
        raise FileRejected(f"文件超过{_limit_label(max_bytes)}（实际{_size_label(len(data))}）")
    if kind == "image":
        return _validate_jpeg(data, filename, max_bytes=max_bytes, max_pixels=max_pixels)
    return _validate_pdf(data, filename)


def validate_id_photo(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = MAX_ID_PHOTO_BYTES,
    max_pixels: int = MAX_IMAGE_PIXELS,
) -> ValidatedFile:
    """Check a 证件照: JPG, ≤ ``max_bytes``, 1-inch proportions (after EXIF rotation)."""
    if sniff_kind(data) != "image":
        raise FileRejected(MSG_PHOTO_TYPE)
    if len(data) > max_bytes:
        limit, actual = _limit_label(max_bytes), _size_label(len(data))
        raise FileRejected(f"证件照不能超过{limit}（实际{actual}）")
    photo = _validate_jpeg(data, filename, max_bytes=max_bytes, max_pixels=max_pixels)
    assert photo.width is not None and photo.height is not None
    if not is_one_inch(photo.width, photo.height):
        raise FileRejected(MSG_PHOTO_RATIO)
    return photo


def is_one_inch(width: int, height: int) -> bool:
    target = ID_PHOTO_SIZE[0] / ID_PHOTO_SIZE[1]
    return abs((width / height) / target - 1) <= ID_PHOTO_ASPECT_TOLERANCE


def sniff_kind(data: bytes) -> Kind | None:
    """Kind from the magic bytes; ``FileRejected`` for an empty upload."""
    if not data:
        raise FileRejected(MSG_EMPTY)
    if data.startswith(b"\xff\xd8\xff"):
        return "image"
    # The header must open the file: HTML or ZIP with a PDF header inside is no PDF upload.
    if data.startswith(b"%PDF-"):
        return "pdf"
    return None


# --- names -----------------------------------------------------------------------------------

_DROPPED_EXTENSIONS = frozenset(
    {"jpg", "jpeg", "jpe", "jfif", "pdf", "png", "gif", "bmp", "tif", "tiff", "webp", "heic"}
)
# Control, format (bidi overrides that fake an extension), surrogate and line/paragraph marks.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_RESERVED = str.maketrans({ch: "_" for ch in '<>:"|?*'})


def sanitise_filename(filename: str, extension: str) -> str:
    """Display name: basename only, printable, ≤ 200 characters, ending in ``extension``."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    name = name.translate(_RESERVED).strip().rstrip(".")
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix.lower() in _DROPPED_EXTENSIONS:
        name = stem
    name = name.strip(" .")[: MAX_NAME_CHARS - len(extension)].rstrip(" .")
    return (name or "附件") + extension


# --- JPEG ------------------------------------------------------------------------------------

_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})
# APP1-APP13, APP15 and COM only carry metadata (EXIF, XMP, ICC, MPF, Photoshop...);
# APP0 (JFIF) and APP14 (Adobe colour transform, needed for CMYK) stay.
_METADATA_MARKERS = frozenset({*range(0xE1, 0xEE), 0xEF, 0xFE})
_SOS, _EOI, _APP1 = 0xDA, 0xD9, 0xE1
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _validate_jpeg(data: bytes, filename: str, *, max_bytes: int, max_pixels: int) -> ValidatedFile:
    body, orientation = _strip_jpeg_metadata(data)
    image = _decode_jpeg(body, max_pixels)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if orientation in _ORIENTATION:
        image = image.transpose(_ORIENTATION[orientation])
    content = _encode_jpeg(image, max_bytes)
    return ValidatedFile(
        content=content,
        kind="image",
        mime="image/jpeg",
        size=len(content),
        pages=1,
        width=image.width,
        height=image.height,
        original_name=sanitise_filename(filename, ".jpg"),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _strip_jpeg_metadata(data: bytes) -> tuple[bytes, int]:
    """The JPEG without metadata segments, and its EXIF orientation (1 when absent).

    Dropping the segments before Pillow sees them means no EXIF parser runs on the upload
    (Pillow's emits warnings on corrupt EXIF) and no metadata can survive into the stored file.
    """
    kept, orientation, pos = [data[:2]], 1, 2
    while True:
        marker, start, end = _next_segment(data, pos)
        if marker == _SOS:
            kept.append(data[start:])
            return b"".join(kept), orientation
        if marker == _APP1 and orientation == 1:
            orientation = _exif_orientation(data[start + 4 : end])
        if marker not in _METADATA_MARKERS:
            kept.append(data[start:end])
        pos = end


def _next_segment(data: bytes, pos: int) -> tuple[int, int, int]:
    """(marker, start, end) of the header segment at ``pos``, fill bytes skipped."""
    while data[pos : pos + 2] == b"\xff\xff":
        pos += 1
    if pos + 2 > len(data) or data[pos] != 0xFF:
        raise FileRejected(MSG_IMAGE_BROKEN)
    marker = data[pos + 1]
    if marker in _STANDALONE_MARKERS:
        return marker, pos, pos + 2
    length = int.from_bytes(data[pos + 2 : pos + 4], "big")
    if marker == _EOI or length < 2 or pos + 2 + length > len(data):
        raise FileRejected(MSG_IMAGE_BROKEN)
    return marker, pos, pos + 2 + length


def _exif_orientation(payload: bytes) -> int:
    if not payload.startswith(b"Exif\x00\x00"):
        return 1
    tiff = payload[6:]
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None:
        return 1
    try:
        (ifd,) = struct.unpack_from(order + "I", tiff, 4)
        (count,) = struct.unpack_from(order + "H", tiff, ifd)
        for index in range(count):
            tag, kind, _, value = struct.unpack_from(order + "HHIH", tiff, ifd + 2 + 12 * index)
            if tag == 0x0112:
                return value if kind == 3 and value in _ORIENTATION else 1
    except struct.error:
        pass
    return 1


def _decode_jpeg(body: bytes, max_pixels: int) -> Image.Image:
    try:
        # The plugin class directly: Image.open would apply the global pixel limit (with a
        # warning below it) and could reinterpret the file as MPO.
        image = JpegImagePlugin.JpegImageFile(io.BytesIO(body))
    except Exception as exc:
        raise FileRejected(MSG_IMAGE_BROKEN) from exc
    width, height = image.size
    if width < 1 or height < 1:
        raise FileRejected(MSG_IMAGE_BROKEN)
    if width * height > max_pixels:
        raise FileRejected(MSG_IMAGE_TOO_LARGE.format(w=width, h=height))
    try:
        # A full decode: Image.verify() is a no-op for JPEG, only this finds truncated data.
        image.load()
    except Exception as exc:
        raise FileRejected(MSG_IMAGE_BROKEN) from exc
    return image


def _encode_jpeg(image: Image.Image, max_bytes: int) -> bytes:
    """A fresh baseline JPEG, no metadata; lower quality until it fits in ``max_bytes``."""
    for quality in JPEG_QUALITIES:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        if buffer.tell() <= max_bytes:
            return buffer.getvalue()
    limit, actual = _limit_label(max_bytes), _size_label(buffer.tell())
    raise FileRejected(f"图片重新压缩后仍超过{limit}（实际{actual}），请缩小图片尺寸后重新上传")


# --- PDF -------------------------------------------------------------------------------------

# Catches names written out in uncompressed objects, even ones pypdf cannot parse; the object
# walk below catches those inside object streams and spelt with #xx escapes.
_RAW_JAVASCRIPT = re.compile(rb"/J(?:S|avaScript)(?![^\s()<>\[\]{}/%])")


def _validate_pdf(data: bytes, filename: str) -> ValidatedFile:
    reader = _open_pdf(data)
    try:
        pages = len(reader.pages)
    except Exception as exc:
        raise FileRejected(MSG_PDF_BROKEN) from exc
    if pages == 0:
        raise FileRejected(MSG_PDF_NO_PAGES)
    return ValidatedFile(
        content=data,
        kind="pdf",
        mime="application/pdf",
        size=len(data),
        pages=pages,
        width=None,
        height=None,
        original_name=sanitise_filename(filename, ".pdf"),
        sha256=hashlib.sha256(data).hexdigest(),
        has_javascript=_has_javascript(reader, data),
    )


def _open_pdf(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:
        # pypdf tries the empty password while opening; AES without `cryptography` fails there.
        if b"/Encrypt" in data:
            raise FileRejected(MSG_PDF_ENCRYPTED) from exc
        raise FileRejected(MSG_PDF_BROKEN) from exc
    if encrypted:
        raise FileRejected(MSG_PDF_ENCRYPTED)
    return reader


def _has_javascript(reader: PdfReader, data: bytes) -> bool:
    if _RAW_JAVASCRIPT.search(data):
        return True
    return any(_is_javascript(obj) for root in _indirect_objects(reader) for obj in _walk(root))


def _indirect_objects(reader: PdfReader) -> Iterator[PdfObject]:
    numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    for num, gen in sorted(numbers):
        try:
            obj = reader.get_object(IndirectObject(num, gen, reader))
        except Exception:
            continue  # an unreadable object cannot run either; the raw scan still saw its bytes
        if obj is not None:
            yield obj


def _walk(root: PdfObject) -> Iterator[PdfObject]:
    """Direct objects nested in ``root``; indirect ones are visited from the xref."""
    stack = [root]
    while stack:
        obj = stack.pop()
        yield obj
        if isinstance(obj, DictionaryObject):
            stack.extend(v for v in obj.values() if not isinstance(v, IndirectObject))
        elif isinstance(obj, ArrayObject):
            stack.extend(v for v in obj if not isinstance(v, IndirectObject))


def _is_javascript(obj: PdfObject) -> bool:
    if not isinstance(obj, DictionaryObject):
        return False
    return "/JS" in obj or "/JavaScript" in obj or obj.get("/S") == "/JavaScript"


# --- 合成PDF ---------------------------------------------------------------------------------

_PAGE_MARGIN_PT = 28.35  # 10 mm


def merge_to_pdf(files: Sequence[ValidatedFile], *, max_bytes: int) -> bytes:
    """One PDF of ``files`` in order: each image on its own A4 page, PDFs' pages appended."""
    if not files:
        raise FileRejected(MSG_MERGE_EMPTY)
    writer = PdfWriter()
    for number, item in enumerate(files, start=1):
        try:
            source = item.content if item.kind == "pdf" else _image_page(item)
            writer.append(PdfReader(io.BytesIO(source), strict=False), import_outline=False)
        except Exception as exc:
            raise FileRejected(f"第{number}个文件（{item.original_name}）无法合成") from exc
    buffer = io.BytesIO()
    writer.write(buffer)
    if buffer.tell() > max_bytes:
        limit = _limit_label(max_bytes)
        raise FileRejected(f"合成后的PDF超过{limit}，请减少页数或压缩图片")
    return buffer.getvalue()


def _image_page(item: ValidatedFile) -> bytes:
    """A one-page A4 PDF with the image centred and fitted; the JPEG is embedded as is."""
    assert item.width is not None and item.height is not None
    pdf = FPDF(orientation="L" if item.width > item.height else "P", unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    scale = min(
        (pdf.w - 2 * _PAGE_MARGIN_PT) / item.width,
        (pdf.h - 2 * _PAGE_MARGIN_PT) / item.height,
    )
    width, height = item.width * scale, item.height * scale
    x, y = (pdf.w - width) / 2, (pdf.h - height) / 2
    pdf.image(io.BytesIO(item.content), x=x, y=y, w=width, h=height)
    return bytes(pdf.output())


# --- sizes in messages -----------------------------------------------------------------------


def _limit_label(size: int) -> str:
    if size < MB:
        return f"{size // 1024}KB"
    return f"{round(size / MB, 1):g}MB"


def _size_label(size: int) -> str:
    # Rounded up, so 2 MB + 1 byte reads "2.1MB", never "超过2MB（实际2.0MB）".
    if size < MB:
        return f"{math.ceil(size / 1024)}KB"
    return f"{math.ceil(size * 10 / MB) / 10:.1f}MB"
