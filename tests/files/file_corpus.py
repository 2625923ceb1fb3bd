"""Builders for the upload corpus: every good and bad file is made here, none is committed."""

from __future__ import annotations

import io
import random
import zipfile

from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript

MB = 1024 * 1024


def jpeg(
    size: tuple[int, int] = (64, 48),
    *,
    mode: str = "RGB",
    color: object = (200, 30, 30),
    noise: bool = False,
    **save: object,
) -> bytes:
    """A JPEG; ``noise`` makes it incompressible (for size tests); ``save`` goes to Pillow."""
    if noise:
        channels = len(mode) if mode in ("RGB", "CMYK") else 1
        raw = random.Random(7).randbytes(size[0] * size[1] * channels)
        image = Image.frombytes(mode, size, raw)
    else:
        image = Image.new(mode, size, color)  # type: ignore[arg-type]
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **save)
    return buffer.getvalue()


def split_jpeg(size: tuple[int, int] = (40, 20)) -> bytes:
    """Left half red, right half blue: shows which way a rotation went."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: display rotated 90° clockwise
    image.save(buffer, "JPEG", quality=95, exif=exif.tobytes())
    return buffer.getvalue()


def jpeg_with_metadata() -> bytes:
    """EXIF with camera and GPS tags, an ICC profile and a comment."""
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (36.0, 3.0, 41.5)
    gps[3] = "E"
    gps[4] = (103.0, 49.0, 2.25)
    return jpeg(exif=exif.tobytes(), icc_profile=b"ICC-JUNK" * 16, comment=b"COMMENT-JUNK")


def with_sof_size(data: bytes, width: int, height: int) -> bytes:
    """The same JPEG with the frame header declaring another size (a decompression bomb)."""
    sof = data.index(b"\xff\xc0")
    patched = bytearray(data)
    patched[sof + 5 : sof + 7] = height.to_bytes(2, "big")
    patched[sof + 7 : sof + 9] = width.to_bytes(2, "big")
    return bytes(patched)


def with_app1(data: bytes, payload: bytes) -> bytes:
    """``data`` with an APP1 segment holding ``payload`` right after the SOI marker."""
    return data[:2] + b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload + data[2:]


def padded(data: bytes, total: int) -> bytes:
    """``data`` followed by junk up to ``total`` bytes (trailing data after a JPEG's EOI)."""
    return data + b"\x00" * (total - len(data))


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (8, 8)).save(buffer, "GIF")
    return buffer.getvalue()


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload/secret.txt", "hidden inside a photo")
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def pdf(
    pages: int = 1,
    *,
    page_size: tuple[float, float] = (595, 842),
    javascript: str | None = None,
    encrypt: dict[str, str] | None = None,
) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(*page_size)
    if javascript:
        writer.add_open_action(JavaScript(javascript))
    if encrypt:
        writer.encrypt(**encrypt)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def raw_pdf(*objects: bytes, trailer: bytes = b"") -> bytes:
    """A PDF from object bodies (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def pdf_of_size(total: int) -> bytes:
    """A valid one-page PDF of exactly ``total`` bytes, padded with an unused stream."""
    pad = total - len(_padded_pdf(0))
    for _ in range(3):  # the stream's /Length digits shift the size a little
        data = _padded_pdf(pad)
        if len(data) == total:
            return data
        pad += total - len(data)
    raise AssertionError("could not hit the size")


def _padded_pdf(pad: int) -> bytes:
    stream = b"<< /Length %d >>\nstream\n" % pad + b"0" * pad + b"\nendstream"
    return raw_pdf(CATALOG, PAGES, PAGE, stream)


def aes256_encrypted_pdf() -> bytes:
    """Declares AES-256 (R6) encryption with random keys: no password opens it."""
    rng = random.Random(3)

    def key(n: int) -> bytes:
        return b"<" + rng.randbytes(n).hex().encode() + b">"

    encrypt = b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -4 /O %s /U %s /OE %s /UE %s " % (
        key(48),
        key(48),
        key(32),
        key(32),
    )
    encrypt += b"/Perms %s /CF << /StdCF << /CFM /AESV3 /AuthEvent /DocOpen /Length 32 >> >> " % (
        key(16)
    )
    encrypt += b"/StmF /StdCF /StrF /StdCF >>"
    return raw_pdf(CATALOG, PAGES, PAGE, encrypt, trailer=b"/Encrypt 4 0 R /ID [<00> <00>] ")
