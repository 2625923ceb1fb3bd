import io

import pytest
from PIL import Image

from app.validators.files import (
    MSG_EMPTY,
    MSG_IMAGE_BROKEN,
    MSG_PHOTO_RATIO,
    MSG_PHOTO_TYPE,
    FileRejected,
    is_one_inch,
    validate_id_photo,
)
from tests.files.file_corpus import MB, jpeg, padded, pdf, png


def refusal(data: bytes, **limits: int) -> str:
    with pytest.raises(FileRejected) as caught:
        validate_id_photo(data, "证件照.jpg", **limits)
    return caught.value.message


@pytest.mark.parametrize(
    "size",
    [(295, 413), (590, 826), (413, 579), (300, 413), (290, 413), (145, 203)],
)
def test_one_inch_proportions_are_accepted(size: tuple[int, int]) -> None:
    photo = validate_id_photo(jpeg(size), "证件照.jpg")
    assert (photo.width, photo.height) == size
    assert photo.original_name == "证件照.jpg"


@pytest.mark.parametrize(
    "size",
    [(413, 295), (358, 441), (260, 378), (310, 413), (280, 413), (400, 400)],
)
def test_other_proportions_are_refused(size: tuple[int, int]) -> None:
    assert refusal(jpeg(size)) == MSG_PHOTO_RATIO


def test_tolerance_is_three_percent_either_way() -> None:
    height = 41300  # large, so rounding the width does not blur the boundary
    width = 29500
    assert is_one_inch(round(width * 1.029), height)
    assert is_one_inch(round(width * 0.971), height)
    assert not is_one_inch(round(width * 1.031), height)
    assert not is_one_inch(round(width * 0.969), height)


def test_orientation_is_applied_before_the_proportions_are_checked() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    sideways = jpeg((413, 295), exif=exif.tobytes())
    photo = validate_id_photo(sideways, "证件照.jpg")
    assert (photo.width, photo.height) == (295, 413)


@pytest.mark.parametrize("data", [png(), pdf(), b"GIF89a\x01\x00"])
def test_only_jpg_is_accepted(data: bytes) -> None:
    assert refusal(data) == MSG_PHOTO_TYPE


def test_empty_and_broken_photos_get_their_own_message() -> None:
    assert refusal(b"") == MSG_EMPTY
    assert refusal(b"\xff\xd8\xff\xe0\x00") == MSG_IMAGE_BROKEN


def test_photo_of_1_mb_is_accepted_and_one_byte_more_refused() -> None:
    data = jpeg((295, 413), noise=True)
    assert validate_id_photo(padded(data, MB), "a.jpg").width == 295
    assert refusal(padded(data, MB + 1)) == "证件照不能超过1MB（实际1.1MB）"


def test_photo_limit_is_a_setting() -> None:
    data = padded(jpeg((295, 413)), 600 * 1024)
    assert refusal(data, max_bytes=512 * 1024) == "证件照不能超过512KB（实际600KB）"


def test_photo_is_stored_re_encoded_without_metadata() -> None:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    photo = validate_id_photo(jpeg((295, 413), exif=exif.tobytes()), "a.jpg")
    assert b"SecretCam" not in photo.content
    assert Image.open(io.BytesIO(photo.content)).format == "JPEG"
