"""What the page checks look for in rendered HTML, with the standard library's parser.

A page passes when every `<table>` opens with a `<caption>` and sits directly in a container
that scrolls sideways (`.table-wrap` or `.table-scroll`, so a phone-width window scrolls the
table instead of the page), every id named by `aria-describedby` or `aria-labelledby` belongs to
exactly one element, and no id is used twice.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

REFERRING = ("aria-describedby", "aria-labelledby")
SCROLLERS = frozenset({"table-wrap", "table-scroll"})
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class PageAudit(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)
        self.tables = 0
        self.uncaptioned = 0
        self.unscrolled = 0
        self._open: list[tuple[str, frozenset[str]]] = []  # the elements open at this point
        self._table_opened = False  # the next start tag is the table's first child
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._table_opened:
            self._table_opened = False
            if tag != "caption":
                self.uncaptioned += 1
        if tag == "table":
            self.tables += 1
            self._table_opened = True
            parent = self._open[-1] if self._open else ("", frozenset())
            if parent[0] != "div" or not parent[1] & SCROLLERS:
                self.unscrolled += 1
        if tag not in VOID:
            classes = frozenset((dict(attrs).get("class") or "").split())
            self._open.append((tag, classes))
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1
            elif name in REFERRING and value:
                self.references += [(tag, name, ref) for ref in value.split()]

    def handle_endtag(self, tag: str) -> None:
        # Close back to the matching element (HTML lets some end tags be left out).
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth][0] == tag:
                del self._open[depth:]
                break
        if tag == "table" and self._table_opened:  # an empty table
            self._table_opened = False
            self.uncaptioned += 1

    def handle_data(self, data: str) -> None:
        # Text before the caption (other than white space) is content outside it.
        if self._table_opened and data.strip():
            self._table_opened = False
            self.uncaptioned += 1

    def problems(self) -> list[str]:
        found = [f"{self.uncaptioned} of {self.tables} tables have no caption"] * bool(
            self.uncaptioned
        )
        found += [
            f"{self.unscrolled} of {self.tables} tables are not in a sideways-scrolling container"
        ] * bool(self.unscrolled)
        found += [
            f"<{tag} {attr}> names #{ref}, which {self.ids[ref]} elements have"
            for tag, attr, ref in self.references
            if self.ids[ref] != 1
        ]
        found += [f"id {i!r} is on {n} elements" for i, n in self.ids.items() if n > 1]
        return found
