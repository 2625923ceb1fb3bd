import dataclasses
import io
import random

import pytest
from PIL import Image

from app.validators.files import (
    MSG_EMPTY,
    MSG_IMAGE_BROKEN,
    MSG_PDF_BROKEN,
    MSG_PDF_ENCRYPTED,
    MSG_PDF_NO_PAGES,
    MSG_TYPE,
    FileRejected,
    ValidatedFile,
    sanitise_filename,
    validate_upload,
)
from tests.files.file_corpus import (
    CATALOG,
    EXE,
    HTML,
    MB,
    PAGE,
    PAGES,
    aes256_encrypted_pdf,
    gif,
    jpeg,
    jpeg_with_metadata,
    padded,
    pdf,
    pdf_of_size,
    png,
    raw_pdf,
    split_jpeg,
    with_app1,
    with_sof_size,
    zip_archive,
)


def rejected(data: bytes, filename: str = "证明.jpg", **limits: int) -> str:
    with pytest.raises(FileRejected) as caught:
        validate_upload(data, filename, **limits)
    return caught.value.message


def reopen(stored: ValidatedFile) -> Image.Image:
    image = Image.open(io.BytesIO(stored.content))
    image.load()
    return image


# --- type by content -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "data"),
    [
        ("png", png()),
        ("gif", gif()),
        ("exe", EXE),
        ("html", HTML),
        ("zip", zip_archive()),
        ("html with a pdf header inside", HTML + b"%PDF-1.7\n"),
        ("text", "学历证书".encode()),
    ],
)
def test_other_types_renamed_jpg_are_refused(label: str, data: bytes) -> None:
    assert rejected(data, "学历证书.jpg") == MSG_TYPE


def test_empty_file_is_refused() -> None:
    assert rejected(b"") == MSG_EMPTY


def test_jpeg_is_accepted_whatever_its_name() -> None:
    stored = validate_upload(jpeg(), "scan.pdf")
    assert (stored.kind, stored.mime, stored.pages) == ("image", "image/jpeg", 1)
    assert (stored.width, stored.height) == (64, 48)
    assert stored.original_name == "scan.jpg"
    assert stored.size == len(stored.content)


def test_pdf_is_accepted_whatever_its_name() -> None:
    data = pdf(3)
    stored = validate_upload(data, "扫描件.JPG")
    assert (stored.kind, stored.mime, stored.pages) == ("pdf", "application/pdf", 3)
    assert stored.content == data  # PDFs are kept byte for byte
    assert (stored.width, stored.height) == (None, None)
    assert stored.original_name == "扫描件.pdf"
    assert stored.has_javascript is False


def test_sha256_is_of_the_stored_content() -> None:
    import hashlib

    stored = validate_upload(jpeg(), "a.jpg")
    assert stored.sha256 == hashlib.sha256(stored.content).hexdigest()
    with pytest.raises(dataclasses.FrozenInstanceError):
        stored.size = 0  # type: ignore[misc]


# --- images ----------------------------------------------------------------------------------


def test_zip_appended_to_jpeg_does_not_survive() -> None:
    archive = zip_archive()
    stored = validate_upload(jpeg() + archive, "照片.jpg")
    assert b"PK\x03\x04" not in stored.content
    assert b"secret.txt" not in stored.content
    assert stored.content.endswith(b"\xff\xd9")


def test_metadata_is_removed() -> None:
    original = jpeg_with_metadata()
    assert b"SecretCam" in original and b"ICC-JUNK" in original
    stored = validate_upload(original, "gps.jpg")
    for junk in (b"Exif\x00\x00", b"SecretCam", b"ICC_PROFILE", b"ICC-JUNK", b"COMMENT-JUNK"):
        assert junk not in stored.content
    image = reopen(stored)
    assert not image.getexif()
    assert "icc_profile" not in image.info


def test_exif_orientation_is_applied() -> None:
    stored = validate_upload(split_jpeg((40, 20)), "sideways.jpg")
    assert (stored.width, stored.height) == (20, 40)
    image = reopen(stored).convert("RGB")
    assert image.size == (20, 40)
    red, green, blue = image.getpixel((10, 5))  # the left half went to the top
    assert red > 200 and blue < 60
    assert not image.getexif()  # no orientation tag left to apply twice


def test_big_endian_exif_orientation_is_applied() -> None:
    ifd = b"\x00\x01" + b"\x01\x12\x00\x03\x00\x00\x00\x01\x00\x08\x00\x00" + b"\x00" * 4
    data = with_app1(jpeg((40, 20)), b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08" + ifd)
    stored = validate_upload(data, "a.jpg")
    assert (stored.width, stored.height) == (20, 40)


@pytest.mark.parametrize(
    "payload",
    [
        b"Exif\x00\x00II\x2a\x00\xff\xff\xff\x7f",  # IFD offset far past the end
        b"Exif\x00\x00II\x2a\x00\x08\x00\x00\x00\xff\xff",  # 65535 entries, none there
        # orientation tag claiming 65535 values: Pillow's EXIF reader warns on this one
        b"Exif\x00\x00II\x2a\x00\x08\x00\x00\x00"
        + b"\x01\x00\x12\x01\x03\x00\xff\xff\x00\x00@\x00\x00\x00",
        b"Exif\x00\x00XX" + b"\x00" * 20,
        b"Exif\x00\x00",
        b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>",
    ],
)
def test_corrupt_metadata_is_dropped_without_warnings(payload: bytes) -> None:
    stored = validate_upload(with_app1(jpeg((40, 20)), payload), "a.jpg")
    assert (stored.width, stored.height) == (40, 20)
    assert payload not in stored.content


def test_cmyk_jpeg_is_re_encoded_as_rgb() -> None:
    stored = validate_upload(jpeg(mode="CMYK", color=(0, 255, 255, 0)), "cmyk.jpg")
    image = reopen(stored)
    assert image.mode == "RGB"
    red, green, blue = image.getpixel((5, 5))
    assert red > 200 and green < 60 and blue < 60


def test_grayscale_jpeg_stays_grayscale() -> None:
    stored = validate_upload(jpeg(mode="L", color=128), "gray.jpg")
    assert reopen(stored).mode == "L"


def test_progressive_jpeg_is_re_encoded_as_baseline() -> None:
    original = jpeg((64, 64), noise=True, progressive=True)
    assert b"\xff\xc2" in original
    stored = validate_upload(original, "progressive.jpg")
    assert b"\xff\xc0" in stored.content and b"\xff\xc2" not in stored.content
    assert not reopen(stored).info.get("progressive")


def test_truncated_jpeg_is_refused() -> None:
    data = jpeg((256, 256), noise=True)
    assert rejected(data[: len(data) // 2]) == MSG_IMAGE_BROKEN


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"\xff\xd8\xff\xd9",
        b"\xff\xd8\xff\xe0\x00\x01",
        b"\xff\xd8\xffgarbage-garbage",
    ],
)
def test_broken_jpeg_headers_are_refused(data: bytes) -> None:
    assert rejected(data) == MSG_IMAGE_BROKEN


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (65535, 65535),  # beyond Pillow's own error threshold
        (10000, 10000),  # between Pillow's warning and error thresholds
        (8000, 5001),  # just over our 40 Mpx
    ],
)
def test_decompression_bomb_is_refused_before_decoding(width: int, height: int) -> None:
    message = rejected(with_sof_size(jpeg(), width, height))
    assert message == f"图片尺寸过大（{width}×{height}像素），请缩小后重新上传"


def test_pixel_limit_is_per_call() -> None:
    data = jpeg((1000, 600))
    assert rejected(data, max_pixels=599_999).startswith("图片尺寸过大")
    assert validate_upload(data, "a.jpg", max_pixels=600_000).width == 1000
    assert Image.MAX_IMAGE_PIXELS == 1024 * 1024 * 1024 // 4 // 3  # global left alone


def test_zero_sized_frame_is_refused() -> None:
    assert rejected(with_sof_size(jpeg(), 0, 48)) == MSG_IMAGE_BROKEN


def test_image_that_cannot_be_re_encoded_small_enough_is_refused() -> None:
    # Noise saved at quality 20 is small; decoded and re-encoded at 60-90 it grows.
    data = jpeg((400, 400), noise=True, quality=20)
    message = rejected(data, max_bytes=len(data))
    assert message.startswith(f"图片重新压缩后仍超过{len(data) // 1024}KB（实际")


# --- sizes -----------------------------------------------------------------------------------


def test_jpeg_of_exactly_2_mb_is_accepted_and_one_byte_more_refused() -> None:
    data = jpeg((300, 200), noise=True)
    assert validate_upload(padded(data, 2 * MB), "a.jpg").kind == "image"
    assert rejected(padded(data, 2 * MB + 1)) == "文件超过2MB（实际2.1MB）"


def test_pdf_of_exactly_2_mb_is_accepted_and_one_byte_more_refused() -> None:
    exact = pdf_of_size(2 * MB)
    assert len(exact) == 2 * MB
    assert validate_upload(exact, "a.pdf").size == 2 * MB
    assert rejected(pdf_of_size(2 * MB + 1), "a.pdf") == "文件超过2MB（实际2.1MB）"


def test_size_message_follows_the_setting() -> None:
    assert rejected(pdf_of_size(3 * MB), "a.pdf", max_bytes=3 * MB // 2) == (
        "文件超过1.5MB（实际3.0MB）"
    )


# --- PDFs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pdf(encrypt={"user_password": "secret", "algorithm": "RC4-128"}),
        pdf(encrypt={"user_password": "", "owner_password": "owner", "algorithm": "RC4-128"}),
        aes256_encrypted_pdf(),
    ],
    ids=["user-password", "owner-password-only", "aes-256"],
)
def test_encrypted_pdf_is_refused(data: bytes) -> None:
    assert rejected(data, "a.pdf") == MSG_PDF_ENCRYPTED


def test_zero_page_pdf_is_refused() -> None:
    assert rejected(pdf(0), "a.pdf") == MSG_PDF_NO_PAGES


def test_pdf_whose_pages_all_dangle_has_no_pages() -> None:
    data = raw_pdf(CATALOG, b"<< /Type /Pages /Kids [9 0 R] /Count 1 >>")
    assert rejected(data, "a.pdf") == MSG_PDF_NO_PAGES


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + random.Random(1).randbytes(4000),
        b"%PDF-",
        pdf(2)[: len(pdf(2)) // 2],
        pdf(1)[: pdf(1).index(b"xref")],
        raw_pdf(b"(not a catalog)", PAGES, PAGE),
        raw_pdf(b"<< /Type /Catalog >>"),
        raw_pdf(CATALOG, b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"),
    ],
    ids=[
        "garbage-after-header",
        "header-only",
        "cut-in-half",
        "no-xref",
        "root-not-a-dictionary",
        "no-page-tree",
        "page-tree-loop",
    ],
)
def test_broken_pdf_is_refused(data: bytes) -> None:
    assert rejected(data, "a.pdf") == MSG_PDF_BROKEN


def test_pdf_with_a_wrong_xref_offset_is_repaired_and_accepted() -> None:
    # Viewers rebuild a damaged xref as pypdf does; refusing would only annoy the applicant.
    data = pdf(2)
    damaged = data[: data.index(b"startxref")] + b"startxref\n99999\n%%EOF\n"
    assert validate_upload(damaged, "a.pdf").pages == 2


def test_pdf_javascript_is_flagged_not_refused() -> None:
    stored = validate_upload(pdf(javascript="app.alert(1)"), "a.pdf")
    assert stored.has_javascript is True
    assert stored.pages == 1


def test_open_action_javascript_spelt_with_name_escapes_is_flagged() -> None:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (x()) >> >>"
    data = raw_pdf(catalog, PAGES, PAGE)
    assert b"/JavaScript" not in data and b"/JS" not in data
    assert validate_upload(data, "a.pdf").has_javascript is True


def test_open_action_without_javascript_is_not_flagged() -> None:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>"
    assert validate_upload(raw_pdf(catalog, PAGES, PAGE), "a.pdf").has_javascript is False


def test_link_annotation_javascript_is_flagged() -> None:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>"
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A 5 0 R >>"
    action = b"<< /S /JavaScript /JS 6 0 R >>"
    script = b"<< /Length 8 >>\nstream\napp.x();\nendstream"
    data = raw_pdf(CATALOG, PAGES, page, link, action, script)
    assert validate_upload(data, "a.pdf").has_javascript is True


def test_word_starting_with_js_is_not_javascript() -> None:
    info = b"<< /JSONData (1) /Title (JS and JavaScript in a title) >>"
    data = raw_pdf(CATALOG, PAGES, PAGE, info, trailer=b"/Info 4 0 R ")
    assert validate_upload(data, "a.pdf").has_javascript is False


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "extension", "expected"),
    [
        ("学历证书.jpg", ".jpg", "学历证书.jpg"),
        ("../../etc/passwd.jpg", ".jpg", "passwd.jpg"),
        ("C:\\Users\\张三\\毕业证.JPEG", ".jpg", "毕业证.jpg"),
        ("报告.PDF", ".pdf", "报告.pdf"),
        ("scan.png", ".jpg", "scan.jpg"),
        ("2023.年度考核", ".pdf", "2023.年度考核.pdf"),
        ("", ".jpg", "附件.jpg"),
        ("", ".pdf", "附件.pdf"),
        ("..", ".pdf", "附件.pdf"),
        (".jpg", ".jpg", "附件.jpg"),
        ("dir/", ".jpg", "附件.jpg"),
        ("a\x00b\r\nc\x7f.jpg", ".jpg", "abc.jpg"),
        ("invoice\u202egpj.exe", ".jpg", "invoicegpj.exe.jpg"),
        ('a<b>:"c"|?*.jpg', ".jpg", "a_b___c____.jpg"),
        ("  证书 . ", ".jpg", "证书.jpg"),
        ("职称证书.JPG ", ".jpg", "职称证书.jpg"),
        ("论文 .pdf", ".pdf", "论文.pdf"),
    ],
)
def test_original_name_is_sanitised(given: str, extension: str, expected: str) -> None:
    assert sanitise_filename(given, extension) == expected


def test_long_name_is_cut_to_200_characters_keeping_the_extension() -> None:
    name = sanitise_filename("证" * 500 + ".jpg", ".jpg")
    assert len(name) == 200 and name.endswith("证.jpg")


def test_validated_file_carries_the_sanitised_name() -> None:
    assert validate_upload(jpeg(), "../../etc/passwd.jpg").original_name == "passwd.jpg"
    assert validate_upload(jpeg(), "学历证书.jpg").original_name == "学历证书.jpg"
    assert validate_upload(pdf(), "").original_name == "附件.pdf"


# --- nothing but FileRejected ----------------------------------------------------------------


def _mutations(data: bytes, count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(3, len(mutated))
            mutated[position] = rng.randrange(256)
        if rng.random() < 0.3:
            del mutated[rng.randrange(3, len(mutated)) :]
        out.append(bytes(mutated))
    return out


@pytest.mark.parametrize(
    "original",
    [
        jpeg((48, 48), noise=True),
        jpeg((48, 48), noise=True, progressive=True),
        jpeg_with_metadata(),
        pdf(2, javascript="app.alert(1)"),
    ],
    ids=["baseline", "progressive", "metadata", "pdf"],
)
def test_mutated_files_are_accepted_or_refused_never_crash(original: bytes) -> None:
    for data in _mutations(original, 150, seed=len(original)):
        try:
            stored = validate_upload(data, "fuzz")
        except FileRejected as refusal:
            assert refusal.message
        else:
            assert stored.size <= 2 * MB
