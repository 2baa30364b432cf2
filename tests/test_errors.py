from __future__ import annotations

import pytest

import marsgeo
from marsgeo import errors


def test_short_messages_are_kept_as_they_are() -> None:
    msg = "lat=95.0 is out of range; latitudes are -90..90 degrees."
    assert str(errors.CoordinateError(msg)) == msg
    assert errors.shorten(msg) == msg


def test_a_huge_value_is_cut_but_its_message_keeps_the_fix() -> None:
    value = "q" * 100_000
    exc = errors.InputError(f"name={value!r} is unknown; pass one of ['a', 'b'].")
    text = str(exc)
    assert len(text) < 200
    assert text.startswith("name='qqq") and text.endswith("is unknown; pass one of ['a', 'b'].")
    word = f"name={value!r}"  # the run of text without a space that was cut
    assert f"…[{len(word):,} characters]…" in text


def test_a_huge_message_of_words_keeps_its_start_and_end() -> None:
    words = "lat " * 50_000
    exc = errors.CatalogueError(f"rows {words}are bad; fix the lat column.")
    text = str(exc)
    assert len(text) <= errors.LONGEST_MESSAGE + 100
    assert text.startswith("rows lat lat") and text.endswith("are bad; fix the lat column.")


def test_os_error_subclass_is_shortened_too() -> None:
    exc = errors.DataFileError("path=" + "p" * 10_000 + " does not exist; check it.")
    assert isinstance(exc, OSError) and len(str(exc)) < 200


def test_library_errors_do_not_echo_a_huge_value() -> None:
    with pytest.raises(errors.InputError) as info:
        marsgeo.basemap.tile_provider("x" * 100_000)
    assert len(str(info.value)) < 1000 and "Known:" in str(info.value)
