"""The PDF text layer's mending: a ToUnicode map's radicals become the ideographs they look like."""

from __future__ import annotations

import io
import re

from layers.exports.pdftext import mend_cmap, mend_text_layer
from layers.exports.radicals import EQUIVALENT

CMAP = b"""/CIDInit /ProcSet findresource begin
begincmap
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
4 beginbfchar
<0003> <0020>
<0010> <2F47>
<0011> <2ED4>
<0012> <2E87>
endbfchar
3 beginbfrange
<0020> <0022> <2F47>
<0030> <0031> [<2F49> <0041>]
<0040> <0042> <0061>
endbfrange
endcmap
end
"""


def _targets(cmap: bytes) -> dict[int, str]:
    """Code -> text of a CMap, read the way a PDF reader reads one."""
    out: dict[int, str] = {}
    text = lambda digits: bytes.fromhex(digits.decode()).decode("utf-16-be")  # noqa: E731
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, target in re.findall(rb"<(\w+)>\s*<(\w+)>", block):
            out[int(code, 16)] = text(target)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, first, array in re.findall(rb"<(\w+)>\s*<(\w+)>\s*(?:<(\w+)>|\[([^\]]*)\])", block):
            codes = range(int(low, 16), int(high, 16) + 1)
            if first:
                for i, code in enumerate(codes):
                    out[code] = chr(int(first, 16) + i)
            else:
                for code, target in zip(codes, re.findall(rb"<(\w+)>", array), strict=True):
                    out[code] = text(target)
    return out


def test_radicals_read_as_their_ideographs() -> None:
    before, after = _targets(CMAP), _targets(mend_cmap(CMAP))
    assert before[0x10] == "\u2f47" and after[0x10] == "日"  # KANGXI RADICAL SUN
    assert after[0x11] == "门"  # CJK RADICAL C-SIMPLIFIED GATE (no compatibility decomposition)
    assert after[0x12] == "\U00020628"  # an ideograph beyond the BMP, as a surrogate pair
    assert [after[c] for c in (0x20, 0x21, 0x22)] == ["日", "曰", "月"]  # a range of radicals (sun, say, moon)
    assert [after[c] for c in (0x30, 0x31)] == ["月", "A"]
    assert {c: after[c] for c in (0x03, 0x40, 0x41, 0x42)} == {0x03: " ", 0x40: "a", 0x41: "b", 0x42: "c"}
    assert set(before) == set(after)


def test_a_map_without_radicals_is_left_as_it_is() -> None:
    plain = CMAP.replace(b"<2F47>", b"<65E5>").replace(b"<2ED4>", b"<95E8>").replace(b"<2E87>", b"<0041>")
    plain = plain.replace(b"<2F49>", b"<6708>")
    assert mend_cmap(plain) == plain


def test_the_table_holds_unicodes_pairs() -> None:
    assert len(EQUIVALENT) > 300
    assert chr(EQUIVALENT[0x2F49]) == "月" and chr(EQUIVALENT[0x2EC5]) == "见"
    # every Kangxi radical with a compatibility decomposition agrees with it
    import unicodedata

    for radical in range(0x2F00, 0x2FD6):
        assert unicodedata.normalize("NFKC", chr(radical)) == chr(EQUIVALENT[radical]), hex(radical)


def test_a_pdf_is_mended_through_its_fonts() -> None:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    stream = DecodedStreamObject()
    stream.set_data(CMAP)
    font = DictionaryObject(
        {NameObject("/Type"): NameObject("/Font"), NameObject("/ToUnicode"): writer._add_object(stream)}
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    assert mend_text_layer(writer) == 1
    buffer = io.BytesIO()
    writer.write(buffer)
    assert mend_text_layer(writer) == 0  # once mended, nothing left to mend
    assert b"2F47" not in buffer.getvalue()
