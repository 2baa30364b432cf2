"""The label of a PDS table: a PDS4 XML label or a PDS3 (ODL) label (private).

A PDS product's label lies beside its file, under the same name: ``.xml`` for PDS4, ``.lbl``
for PDS3. :func:`table_label` finds and reads the label of a delimited table (what
:func:`marsgeo.read_places` uses from it: product id, version, delimiter, row count, and the
name, unit and description of each field) as a :class:`TableLabel`;
:func:`read_pds4_table_label` and :func:`read_pds3_table_label` read one label of either
standard. :func:`parse_odl` parses the Object Description Language of PDS3 labels into
:class:`OdlObject` trees.

A label is data from outside, so it is read with care: one over 16 MB is refused unread, and
an XML label that declares a DOCTYPE or entities (which PDS4 labels never do) is refused before
it reaches the XML parser. Every problem is a :class:`marsgeo.errors.DataFileError` naming the
label and the fix.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsgeo._io import existing_file
from marsgeo.errors import DataFileError

#: (name, unit, description) of a table's field, as its label gives them.
Field = tuple[str, str | None, str | None]

# units a label may give, and the short name each reads as
_UNIT_NAMES = (
    dict.fromkeys(("m", "meter", "meters", "metre", "metres"), "m")
    | dict.fromkeys(("km", "kilometer", "kilometers", "kilometre", "kilometres"), "km")
    | dict.fromkeys(("deg", "degree", "degrees"), "deg")
    | dict.fromkeys(("rad", "radian", "radians"), "rad")
    | dict.fromkeys(("s", "second", "seconds"), "s")
)
_NO_UNIT = ("", "n/a", "na", "none", "unk", "null")
_DELIMITERS = {"comma": ",", "horizontal tab": "\t", "tab": "\t", "semicolon": ";"}
_DELIMITERS |= {"vertical bar": "|"}
_LARGEST_LABEL_BYTES = 16 * 1024**2


def _shown(path: Any) -> str:
    return repr(os.fspath(path))


def _whole(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdecimal() else None


def unit_name(unit: str | None) -> str | None:
    """Name a label's unit as marsgeo does (``METER`` -> ``m``); None for none."""
    if unit is None or unit.strip().lower() in _NO_UNIT:
        return None
    return _UNIT_NAMES.get(unit.strip().lower(), unit.strip())


@dataclass(frozen=True)
class TableLabel:
    """What a label says of its delimited table."""

    path: Path
    standard: str  # "PDS4" or "PDS3"
    product_id: str | None
    version: str | None
    title: str | None
    file_name: str | None
    has_header: bool
    records: int | None
    delimiter: str | None
    #: (name, unit, description) of each field, in field order
    fields: tuple[Field, ...]
    #: the number of fields the label says it lists
    listed: int | None = None


def label_beside(table: Path) -> Path | None:
    """Give the label lying next to ``table`` (``.xml`` before ``.lbl``), or None."""
    for suffix in (".xml", ".XML", ".lbl", ".LBL"):
        candidate = table.with_suffix(suffix)
        if candidate != table and candidate.is_file():
            return candidate
    return None


def table_label(table: Path) -> TableLabel | None:
    """Read the label next to ``table``, checked against its file name; None if there is none."""
    found = label_beside(table)
    if found is None:
        return None
    xml = found.suffix.lower() == ".xml"
    label = read_pds4_table_label(found) if xml else read_pds3_table_label(found)
    if label.file_name is not None and label.file_name.lower() != table.name.lower():
        msg = (
            f"label {_shown(found)} describes the file {label.file_name!r}, not {table.name!r}; "
            "put each table next to its own label (or rename the table back)."
        )
        raise DataFileError(msg)
    return label


def _label_bytes(label: Path) -> bytes:
    data = existing_file(label, name="label").read_bytes()
    if len(data) > _LARGEST_LABEL_BYTES:
        msg = (
            f"label {_shown(label)} is over 16 MB, which no PLACES label is; remove or replace "
            "it, or move the table away from it."
        )
        raise DataFileError(msg)
    return data


# --- PDS4 ----------------------------------------------------------------------------------------


def _local(tag: str) -> str:
    """Give an XML tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _child_text(element: ET.Element | None, name: str) -> str | None:
    if element is None:
        return None
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip() or None
    return None


def _first(root: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in root.iter() if _local(e.tag) == name), None)


def _label_root(label: Path, data: bytes) -> ET.Element:
    """Parse a label, refusing what is not a PDS4 product label (or has DTDs)."""
    shown = _shown(label)
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        msg = (
            f"label {shown} is not a PDS4 label (it declares a DOCTYPE or entities, which PDS4 "
            "labels never do); remove or replace it, or move the table away from it."
        )
        raise DataFileError(msg)
    try:
        root = ET.fromstring(data)  # no DTD or entity declaration reaches the parser
    except ET.ParseError as exc:
        line, column = exc.position
        msg = (
            f"label {shown} is not well-formed XML (line {line}, column {column}: {exc}); "
            "download it again, or move the table away from it to read the table alone."
        )
        raise DataFileError(msg) from None
    if not _local(root.tag).startswith("Product_"):
        msg = (
            f"label {shown} is not a PDS4 product label (its root element is "
            f"{_local(root.tag)!r}, not Product_...); move the table away from it to read "
            "the table alone."
        )
        raise DataFileError(msg)
    return root


def _fields(table: ET.Element) -> tuple[Field, ...]:
    found = []
    for k, element in enumerate(e for e in table.iter() if _local(e.tag) == "Field_Delimited"):
        order = _whole(_child_text(element, "field_number")) or k + 1
        name = _child_text(element, "name") or f"field_{order}"
        unit = _child_text(element, "unit")
        found.append((order, name, unit, _child_text(element, "description")))
    found.sort(key=lambda f: f[0])
    return tuple((name, unit, description) for _, name, unit, description in found)


def read_pds4_table_label(label: Path) -> TableLabel:
    """Read a PDS4 label of a delimited table (its ``Table_Delimited``)."""
    root = _label_root(label, _label_bytes(label))
    ident = _first(root, "Identification_Area")
    table = _first(root, "Table_Delimited")
    if table is None:
        msg = (
            f"label {_shown(label)} describes no Table_Delimited, so its file is not a PLACES "
            "CSV table; pass the CSV table the bundle labels as Table_Delimited."
        )
        raise DataFileError(msg)
    area = next((e for e in root.iter() if any(c is table for c in e)), root)
    offset = _child_text(table, "offset")
    delimiter = (_child_text(table, "field_delimiter") or "").lower()
    return TableLabel(
        path=label,
        standard="PDS4",
        product_id=_child_text(ident, "logical_identifier"),
        version=_child_text(ident, "version_id"),
        title=_child_text(ident, "title"),
        file_name=_child_text(_first(area, "File"), "file_name"),
        has_header=_first(area, "Header") is not None or (offset not in (None, "0")),
        records=_whole(_child_text(table, "records")),
        delimiter=_DELIMITERS.get(delimiter),
        fields=_fields(table),
        listed=_whole(_child_text(_first(table, "Record_Delimited"), "fields")),
    )


# --- PDS3 ----------------------------------------------------------------------------------------

# PDS3 labels are ODL: NAME = value statements, OBJECT = ... / END_OBJECT blocks, END
_ODL_TOKEN = re.compile(
    r"\s+|/\*.*?\*/|\"(?P<string>[^\"]*)\"|'(?P<literal>[^']*)'|<(?P<unit>[^<>]*)>"
    r"|(?P<punct>[=(){},])|(?P<word>[^\s=(){},\"'<>]+)",
    re.DOTALL,
)


@dataclass
class OdlObject:
    """One ODL object (or the label itself): its statements and the objects in it.

    Keys are upper case, as PDS3 writes them; a key given twice keeps its first value. A
    value is its text (quotes and a ``<unit>`` removed), or a tuple of texts for a sequence
    or set. Groups read as objects.
    """

    name: str
    values: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    children: list[OdlObject] = field(default_factory=list)

    def text(self, key: str) -> str | None:
        """Give the text of statement ``key`` (None if missing, empty or a sequence)."""
        value = self.values.get(key)
        return (value.strip() or None) if isinstance(value, str) else None

    def find(self, *names: str) -> OdlObject | None:
        """Give the first object directly inside this one called one of ``names``."""
        return next((c for c in self.children if c.name in names), None)


def _odl_tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        match = _ODL_TOKEN.match(text, pos)
        if match is None:
            line = text.count("\n", 0, pos) + 1
            msg = f"line {line}: {text[pos : pos + 20]!r} is not ODL (an unclosed quote?)"
            raise ValueError(msg)
        pos = match.end()
        kind = match.lastgroup
        if kind is not None and kind != "unit":
            tokens.append((kind, match.group(kind)))
    return tokens


def _odl_value(tokens: list[tuple[str, str]], k: int) -> tuple[str | tuple[str, ...], int]:
    """Read the value at token ``k`` (a sequence flattened); give it and the next token."""
    if k >= len(tokens):
        msg = "the label ends after '='"
        raise ValueError(msg)
    if tokens[k] not in (("punct", "("), ("punct", "{")):
        return tokens[k][1], k + 1
    items: list[str] = []
    depth = 0
    while k < len(tokens):
        kind, text = tokens[k]
        k += 1
        if kind == "punct" and text in "({":
            depth += 1
        elif kind == "punct" and text in ")}":
            depth -= 1
            if depth == 0:
                return tuple(items), k
        elif kind != "punct":
            items.append(text)
    msg = "a '(' is never closed"
    raise ValueError(msg)


def parse_odl(text: str) -> OdlObject:
    r"""Parse a PDS3 label: its statements and objects (groups read as objects).

    Parameters
    ----------
    text
        The label's text, up to its ``END`` (what follows is not read).

    Returns
    -------
    OdlObject
        The label as an object called ``LABEL``.

    Raises
    ------
    ValueError
        Text that is not ODL (naming the line where it can).

    Examples
    --------
    >>> label = parse_odl(
    ...     'PDS_VERSION_ID = PDS3\n'
    ...     '^SPREADSHEET = "LOCALIZED_INTERP.CSV"\n'
    ...     'OBJECT = SPREADSHEET\n'
    ...     '  ROWS = 2\n'
    ...     '  OBJECT = FIELD\n'
    ...     '    NAME = "SOL"\n'
    ...     '  END_OBJECT = FIELD\n'
    ...     'END_OBJECT = SPREADSHEET\n'
    ...     'END\n'
    ... )
    >>> label.text("PDS_VERSION_ID"), label.text("^SPREADSHEET")
    ('PDS3', 'LOCALIZED_INTERP.CSV')
    >>> table = label.find("SPREADSHEET", "TABLE")
    >>> table.text("ROWS"), table.find("FIELD").text("NAME")
    ('2', 'SOL')
    """
    tokens = _odl_tokens(text)
    stack = [OdlObject("LABEL")]
    k = 0
    while k < len(tokens):
        kind, word = tokens[k]
        key = word.upper()
        has_value = k + 1 < len(tokens) and tokens[k + 1] == ("punct", "=")
        if kind == "word" and key in ("END_OBJECT", "END_GROUP") and len(stack) > 1:
            stack.pop()
            k += 1 if not has_value else 2
            if has_value:
                _, k = _odl_value(tokens, k)
            continue
        if kind == "word" and key == "END" and not has_value:
            break
        if kind != "word" or not has_value:
            msg = f"{word!r} is not followed by '= value'"
            raise ValueError(msg)
        value, k = _odl_value(tokens, k + 2)
        if key in ("OBJECT", "GROUP"):
            child = OdlObject(str(value).upper())
            stack[-1].children.append(child)
            stack.append(child)
        else:
            stack[-1].values.setdefault(key, value)
    return stack[0]


def _pds3_fields(table: OdlObject) -> tuple[Field, ...]:
    found = []
    for k, item in enumerate(c for c in table.children if c.name in ("FIELD", "COLUMN")):
        order = _whole(item.text("FIELD_NUMBER") or item.text("COLUMN_NUMBER")) or k + 1
        name = item.text("NAME") or f"field_{order}"
        found.append((order, name, item.text("UNIT"), item.text("DESCRIPTION")))
    found.sort(key=lambda f: f[0])
    return tuple((name, unit, description) for _, name, unit, description in found)


def read_pds3_table_label(label: Path) -> TableLabel:
    """Read a PDS3 label of a table (its ``SPREADSHEET`` or ``TABLE`` object)."""
    shown = _shown(label)
    text = _label_bytes(label).decode("utf-8", errors="replace")
    try:
        root = parse_odl(text)
    except ValueError as exc:
        msg = (
            f"label {shown} cannot be read as a PDS3 label ({exc}); download it again, or "
            "move the table away from it to read the table alone."
        )
        raise DataFileError(msg) from None
    table = root.find("SPREADSHEET", "TABLE")
    if root.text("PDS_VERSION_ID") != "PDS3" or table is None:
        msg = (
            f"label {shown} is not a PDS3 label of a table (it needs PDS_VERSION_ID = PDS3 and "
            "an OBJECT = SPREADSHEET or TABLE); move the table away from it to read the table "
            "alone."
        )
        raise DataFileError(msg)
    pointer = root.values.get(f"^{table.name}")
    target = pointer[0] if isinstance(pointer, tuple) and pointer else pointer
    ids = [i for i in (root.text("DATA_SET_ID"), root.text("PRODUCT_ID")) if i]
    delimiter = (table.text("FIELD_DELIMITER") or "").replace("_", " ").lower()
    return TableLabel(
        path=label,
        standard="PDS3",
        product_id=":".join(ids) or None,
        version=root.text("PRODUCT_VERSION_ID"),
        title=root.text("DATA_SET_NAME"),
        file_name=target if isinstance(target, str) and not target.isdigit() else None,
        has_header=root.find("HEADER") is not None or "^HEADER" in root.values,
        records=_whole(table.text("ROWS")),
        delimiter=_DELIMITERS.get(delimiter),
        fields=_pds3_fields(table),
        listed=_whole(table.text("FIELDS") or table.text("COLUMNS")),
    )
