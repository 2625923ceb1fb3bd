import io

import pytest
from pypdf import PdfReader

from app.validators.files import (
    MSG_MERGE_EMPTY,
    FileRejected,
    ValidatedFile,
    merge_to_pdf,
    validate_upload,
)
from tests.files.file_corpus import MB, jpeg, pdf

A4 = (595.28, 841.89)


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    pages = PdfReader(io.BytesIO(data)).pages
    return [(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in pages]


def upload(data: bytes, name: str = "a") -> ValidatedFile:
    return validate_upload(data, name)


def test_images_and_pdfs_are_merged_in_order() -> None:
    files = [
        upload(jpeg((300, 400)), "portrait.jpg"),
        upload(pdf(1, page_size=(100, 200)), "one.pdf"),
        upload(jpeg((800, 300)), "landscape.jpg"),
        upload(pdf(2, page_size=(300, 400)), "two.pdf"),
    ]
    merged = merge_to_pdf(files, max_bytes=2 * MB)
    assert page_sizes(merged) == [A4, (100, 200), A4[::-1], (300, 400), (300, 400)]


def test_merged_pdf_is_itself_a_valid_upload() -> None:
    merged = merge_to_pdf([upload(jpeg()), upload(jpeg((48, 64)))], max_bytes=2 * MB)
    stored = validate_upload(merged, "合成.pdf")
    assert (stored.kind, stored.pages, stored.has_javascript) == ("pdf", 2, False)


def test_image_is_embedded_without_re_encoding() -> None:
    image = upload(jpeg((120, 90), noise=True))
    merged = merge_to_pdf([image], max_bytes=2 * MB)
    assert image.content in merged  # the stored JPEG as a DCTDecode stream, byte for byte


def test_image_is_fitted_inside_the_page_margins() -> None:
    merged = merge_to_pdf([upload(jpeg((2000, 100)))], max_bytes=2 * MB)
    page = PdfReader(io.BytesIO(merged)).pages[0]
    content = page.get_contents()
    assert content is not None
    # "w 0 0 h x y cm": the width drawn is the landscape A4 width minus two 10 mm margins
    numbers = content.get_data().split(b" cm")[0].split()[-6:]
    assert round(float(numbers[0]), 1) == round(A4[1] - 2 * 28.35, 1)


def test_result_over_the_limit_is_refused() -> None:
    files = [upload(jpeg((600, 600), noise=True)) for _ in range(3)]
    limit = sum(f.size for f in files)  # the page wrappers push it over
    with pytest.raises(FileRejected) as caught:
        merge_to_pdf(files, max_bytes=limit)
    assert caught.value.message == f"合成后的PDF超过{limit // 1024}KB，请减少页数或压缩图片"


def test_over_2_mb_uses_the_manual_wording() -> None:
    big = upload(jpeg((1000, 1000), noise=True))
    with pytest.raises(FileRejected) as caught:
        merge_to_pdf([big] * 8, max_bytes=2 * MB)
    assert caught.value.message == "合成后的PDF超过2MB，请减少页数或压缩图片"


def test_nothing_to_merge_is_refused() -> None:
    with pytest.raises(FileRejected) as caught:
        merge_to_pdf([], max_bytes=2 * MB)
    assert caught.value.message == MSG_MERGE_EMPTY
