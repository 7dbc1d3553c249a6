"""A faster reading of inline-string cells (``<c t="inlineStr"><is>…</is></c>``) for openpyxl.

xlsxwriter's constant-memory mode — the project's own exports, and so most files that
come back for import — stores every text cell as an inline string, and openpyxl 3.1.5
builds a full ``openpyxl.cell.text.Text`` object (descriptors, validation) per such cell
only to read its ``.content``: about a third of the read-only parse. ``InlineText``
computes the same ``.content`` directly from the element: the plain ``<t>`` followed by
each rich-text run's ``<t>``; phonetic runs (``<rPh>``) excluded, tags matched by local
name, exactly as ``Text.content`` does (a test compares both on the same elements).

``install()`` rebinds the name only inside ``openpyxl.worksheet._reader`` and only for
the pinned openpyxl version; any other version keeps the library's own path.
"""

from __future__ import annotations

import openpyxl
from openpyxl.cell.text import Text

SUPPORTED_VERSION = "3.1.5"


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class InlineText:
    """The subset of ``Text`` that openpyxl's sheet parser uses: ``from_tree(el).content``."""

    __slots__ = ("content",)

    def __init__(self, content: str):
        self.content = content

    @classmethod
    def from_tree(cls, node) -> InlineText:
        plain = None
        runs = []
        for child in node:
            name = _local(child.tag)
            if name == "t":
                plain = child.text
            elif name == "r":
                text = None
                for part in child:
                    if _local(part.tag) == "t":
                        text = part.text
                if text is not None:
                    runs.append(text)
        if plain is not None:
            runs.insert(0, plain)
        return cls("".join(runs))


def install() -> bool:
    """Use ``InlineText`` in openpyxl's worksheet parser; True when installed."""
    from openpyxl.worksheet import _reader

    if openpyxl.__version__ != SUPPORTED_VERSION or _reader.Text not in (Text, InlineText):
        return False
    _reader.Text = InlineText
    return True
