"""Charts drawn on the server as SVG, with the table of their numbers.

Why not a chart library: the site's Content-Security-Policy allows no inline style, and a
library's SVG (pygal's, for one) carries its own <style> and scripts; rendering one chart with
pygal also cost about 12 ms, several times the whole page's budget at national scale. A bar
chart is rectangles whose widths are shares of the largest value: this module works out the
geometry and writes the markup (`render`), the site's stylesheet colours it (screen and
print), and each chart carries a title, a description and the table of its numbers, each
number a link to the rows behind it.

Why the markup is written here and not by a template: the dashboard draws nine charts, each
twice (the picture and its table), some 600 elements; Django's template engine took about
20 ms for them at national scale, two thirds of the page's rendering, where these few
functions take a tenth of that. Every text is escaped (`escape`) as the template's
autoescaping would; the tests read the charts of the rendered page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

# The drawing's own coordinates (viewBox); the SVG scales to its container.
WIDTH = 640
LABEL_WIDTH = 250
# What a label may take, in half-width character cells at the chart's font size: a wide
# (Japanese) character takes two. A longer label is cut with an ellipsis; the table behind the
# chart and the bar's own title hold it whole.
LABEL_CELLS = 32
ROW_HEIGHT = 26
BAR_HEIGHT = 18
VALUE_GAP = 6
VALUE_WIDTH = 70
COLUMN_CHART_HEIGHT = 180


@dataclass
class Segment:
    """One rectangle: a value of one series in one row (or column)."""

    key: str
    label: str
    value: int
    href: str = ""
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0


@dataclass
class Row:
    """One bar (or column) and where its label and its total are written."""

    label: str
    segments: list[Segment]
    total: int = 0
    short_label: str = ""
    label_x: float = 0.0
    label_y: float = 0.0
    total_x: float = 0.0
    total_y: float = 0.0


@dataclass
class Chart:
    """A chart of stacked bars (horizontal, one row per label) or columns (one per month)."""

    id: str
    title: str
    description: str
    series: list[tuple[str, str]]  # (key, label): the legend and the table's columns
    rows: list[Row] = field(default_factory=list)
    height: int = 0
    width: int = WIDTH
    kind: str = "bars"

    @property
    def stacked(self) -> bool:
        return len(self.series) > 1


def _r(value: float) -> float:
    return round(value, 2)


def fit(label: str, cells: int = LABEL_CELLS) -> str:
    """The label cut to `cells` half-width cells (East Asian wide characters count two)."""
    used = 0
    for index, char in enumerate(label):
        used += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if used > cells:
            return label[: max(0, index - 1)] + "…"
    return label


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    series: list[tuple[str, str]],
    rows: list[tuple[str, dict[str, int], dict[str, str]]],
) -> Chart:
    """`rows`: (label, value per series key, link per series key). Widths are shares of the
    largest row total, so the longest bar spans the drawing."""
    chart = Chart(id=id, title=title, description=description, series=series)
    largest = max((sum(values.values()) for _label, values, _links in rows), default=0)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    for index, (label, values, links) in enumerate(rows):
        y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        x = float(LABEL_WIDTH)
        segments = []
        for key, series_label in series:
            value = values.get(key, 0)
            width = span * value / largest if largest else 0.0
            segments.append(
                Segment(
                    key,
                    series_label,
                    value,
                    links.get(key, ""),
                    _r(x),
                    _r(y),
                    _r(width),
                    BAR_HEIGHT,
                )
            )
            x += width
        chart.rows.append(
            Row(
                label=label,
                short_label=fit(label),
                segments=segments,
                total=sum(values.values()),
                label_x=LABEL_WIDTH - VALUE_GAP,
                label_y=_r(y + BAR_HEIGHT - 4),
                total_x=_r(x + VALUE_GAP),
                total_y=_r(y + BAR_HEIGHT - 4),
            )
        )
    chart.height = max(ROW_HEIGHT, len(rows) * ROW_HEIGHT)
    return chart


def column_chart(
    *,
    id: str,
    title: str,
    description: str,
    series: list[tuple[str, str]],
    columns: list[tuple[str, dict[str, int], dict[str, str]]],
    short_labels: list[str] | None = None,
) -> Chart:
    """Stacked columns, one per label (a month), the label (or its short form) beneath and the
    total above."""
    chart = Chart(id=id, title=title, description=description, series=series, kind="columns")
    largest = max((sum(values.values()) for _label, values, _links in columns), default=0)
    base = COLUMN_CHART_HEIGHT - 24
    plot = base - 20
    step = WIDTH / max(1, len(columns))
    width = step * 0.6
    for index, (label, values, links) in enumerate(columns):
        x = index * step + (step - width) / 2
        top = float(base)
        segments = []
        for key, series_label in series:
            value = values.get(key, 0)
            height = plot * value / largest if largest else 0.0
            top -= height
            segments.append(
                Segment(
                    key,
                    series_label,
                    value,
                    links.get(key, ""),
                    _r(x),
                    _r(top),
                    _r(width),
                    _r(height),
                )
            )
        chart.rows.append(
            Row(
                label=label,
                short_label=fit(short_labels[index] if short_labels else label, 8),
                segments=segments,
                total=sum(values.values()),
                label_x=_r(x + width / 2),
                label_y=COLUMN_CHART_HEIGHT - 6,
                total_x=_r(x + width / 2),
                total_y=_r(top - 4),
            )
        )
    chart.height = COLUMN_CHART_HEIGHT
    return chart


def _segment_rect(row: Row, index: int, seg: Segment) -> str:
    if not (seg.width and seg.height):
        return ""
    return (
        f'<a href="{escape(seg.href)}"><rect class="series-{index}" x="{seg.x}" y="{seg.y}" '
        f'width="{seg.width}" height="{seg.height}"><title>{escape(row.label)} · '
        f"{escape(seg.label)}: {seg.value}</title></rect></a>"
    )


def _table_cell(seg: Segment) -> str:
    if seg.href:
        return f'<td class="num"><a href="{escape(seg.href)}">{seg.value}</a></td>'
    return f'<td class="num">{seg.value}</td>'


def render(chart: Chart) -> SafeString:
    """The chart as HTML: a figure with its caption, the SVG picture (an image titled and
    described for assistive technology, each bar a link to its rows), its legend, and one click
    away the table of its numbers, each a link to its rows."""
    cid = escape(chart.id)
    title = escape(chart.title)
    parts = [
        f'<figure class="chart" aria-labelledby="{cid}-caption">',
        f'<figcaption id="{cid}-caption" class="chart-title">{title}</figcaption>',
    ]
    if not chart.rows:
        parts.append(f"<p>{escape(gettext('Nothing recorded.'))}</p></figure>")
        return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
    columns = chart.kind == "columns"
    label_anchor = "middle" if columns else "end"
    total_anchor = "middle" if columns else "start"
    parts.append(
        f'<div class="chart-scroll"><svg class="chart-svg chart-{escape(chart.kind)}" '
        f'viewBox="0 0 {chart.width} {chart.height}" role="img" '
        f'aria-labelledby="{cid}-t {cid}-d" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{cid}-t">{title}</title><desc id="{cid}-d">{escape(chart.description)}</desc>'
    )
    for row in chart.rows:
        parts.append(
            f'<g><text class="chart-label" x="{row.label_x}" y="{row.label_y}" '
            f'text-anchor="{label_anchor}">{escape(row.short_label)}</text>'
        )
        parts.extend(_segment_rect(row, i, seg) for i, seg in enumerate(row.segments, 1))
        parts.append(
            f'<text class="chart-value" x="{row.total_x}" y="{row.total_y}" '
            f'text-anchor="{total_anchor}">{row.total}</text></g>'
        )
    parts.append("</svg></div>")
    series = [escape(label) for _key, label in chart.series]
    if chart.stacked:
        parts.append('<ul class="chart-legend" aria-hidden="true">')
        parts.extend(
            f'<li><span class="swatch series-{i}"></span>{label}</li>'
            for i, label in enumerate(series, 1)
        )
        parts.append("</ul>")
    parts.append(
        f'<details class="chart-table"><summary>{escape(gettext("The numbers behind the chart"))}'
        f'</summary><div class="table-scroll"><table><caption class="visually-hidden">{title}'
        '</caption><thead><tr><th scope="col"></th>'
    )
    parts.extend(f'<th scope="col" class="num">{label}</th>' for label in series)
    total = escape(gettext("Total"))
    if chart.stacked:
        parts.append(f'<th scope="col" class="num">{total}</th>')
    parts.append("</tr></thead><tbody>")
    for row in chart.rows:
        parts.append(f'<tr><th scope="row">{escape(row.label)}</th>')
        parts.extend(_table_cell(seg) for seg in row.segments)
        if chart.stacked:
            parts.append(f'<td class="num">{row.total}</td>')
        parts.append("</tr>")
    parts.append("</tbody></table></div></details></figure>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped, numbers are ours
