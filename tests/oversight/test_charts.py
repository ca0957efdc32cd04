"""The dashboard's charts as markup (saisei.oversight.charts.render): every text escaped, each
bar and each number of the table a link to its rows, the picture titled and described, the
legend and total only where there are several series, the empty chart said in words."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.utils import translation

from saisei.oversight.charts import bar_chart, column_chart, render

HOSTILE = "<script>alert(\"x\")</script> & 'q'"


class _Tree(HTMLParser):
    """Elements and texts of a fragment, and whether every element opened was closed."""

    VOID = {"br", "img", "input", "meta", "link", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.unbalanced = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.unbalanced = True

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append(data)


def _parse(html: str) -> _Tree:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    assert not tree.unbalanced and not tree.stack, html
    return tree


def _stacked() -> str:
    chart = bar_chart(
        id="c1",
        title=f"Title {HOSTILE}",
        description=f"About {HOSTILE}",
        series=[("a", f"Series {HOSTILE}"), ("b", "Second")],
        rows=[
            (f"Row {HOSTILE}", {"a": 3, "b": 1}, {"a": "/rows/?a=1&b=<2>", "b": "/rows/?b=1"}),
            ("Quiet", {"a": 0, "b": 2}, {"b": "/rows/?q=1"}),
        ],
    )
    return str(render(chart))


def test_every_text_of_a_chart_is_escaped() -> None:
    html = _stacked()
    assert "<script>" not in html and 'alert("x")' not in html
    tree = _parse(html)
    # Read back, the texts are the labels as given: escaped once, not twice.
    assert f"Row {HOSTILE}" in tree.texts
    assert f"Title {HOSTILE}" in tree.texts
    assert f"About {HOSTILE}" in tree.texts
    hrefs = [attrs["href"] for tag, attrs in tree.tags if tag == "a"]
    assert "/rows/?a=1&b=<2>" in hrefs


def test_each_bar_and_each_number_leads_to_its_rows() -> None:
    tree = _parse(_stacked())
    rects = [attrs for tag, attrs in tree.tags if tag == "rect"]
    # Three segments have a value (a zero draws nothing); the longest row spans the drawing.
    assert len(rects) == 3
    assert [r["class"] for r in rects] == ["series-1", "series-2", "series-2"]
    first, second = float(rects[0]["width"] or 0), float(rects[1]["width"] or 0)
    assert first == 3 * second
    links = re.findall(r'<td class="num"><a href="([^"]+)">(\d+)</a></td>', _stacked())
    assert links == [
        ("/rows/?a=1&amp;b=&lt;2&gt;", "3"),
        ("/rows/?b=1", "1"),
        ("/rows/?q=1", "2"),
    ]
    # A number with no rows to show is written without a link; each row has its total.
    assert '<td class="num">0</td>' in _stacked()
    assert re.findall(r'<td class="num">(\d+)</td></tr>', _stacked()) == ["4", "2"]


def test_the_picture_is_titled_and_described_and_its_table_one_click_away() -> None:
    html = _stacked()
    svg = re.search(r"<svg [^>]*>", html)
    assert svg is not None
    assert 'role="img"' in svg.group(0) and 'aria-labelledby="c1-t c1-d"' in svg.group(0)
    assert '<title id="c1-t">' in html and '<desc id="c1-d">' in html
    assert html.count('<details class="chart-table">') == 1
    assert '<ul class="chart-legend" aria-hidden="true">' in html


def test_a_single_series_has_no_legend_and_no_total_column() -> None:
    chart = column_chart(
        id="m",
        title="Months",
        description="Per month",
        series=[("n", "Plans")],
        columns=[("2026-01", {"n": 5}, {"n": "/x/"}), ("2026-02", {"n": 0}, {})],
    )
    html = str(render(chart))
    _parse(html)
    assert "chart-legend" not in html
    assert ">Total<" not in html
    assert 'class="chart-svg chart-columns"' in html
    assert html.count('text-anchor="middle"') == 4  # each column's label and total


def test_an_empty_chart_says_so_in_the_page_language() -> None:
    chart = bar_chart(id="e", title="Nothing", description="", series=[("a", "A")], rows=[])
    with translation.override("en"):
        assert "<p>Nothing recorded.</p>" in str(render(chart))
    with translation.override("ja"):
        html = str(render(chart))
    assert "<svg" not in html
    assert "<p>Nothing recorded.</p>" not in html and "<p>" in html
