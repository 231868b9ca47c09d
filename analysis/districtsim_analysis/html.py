"""A report as data (sections of paragraphs, lists, tables and figures) and its HTML.

The HTML is one self-contained file: figures are embedded as base64 PNG data
URIs, the style sheet is inline, there is no script and no external link to
load, so the file opens offline and can be mailed as it is.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from matplotlib.figure import Figure

DPI = 150


@dataclass
class Paragraph:
    text: str
    css: str = ""


@dataclass
class Bullets:
    items: list[str]
    lead: str = ""  # an optional line before the list


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class FigureBlock:
    id: str  # also the PNG's file name: figures/<id>.png
    title: str
    figure: Figure
    caption: str
    png: bytes = b""  # filled by render_png

    def smallest_text_pt(self) -> float:
        """The smallest font size (points) of any visible text in the figure: with the DPI
        and the width the page shows it at, how small its smallest words are on screen."""
        from matplotlib.text import Text
        sizes = [t.get_fontsize() for t in self.figure.findobj(Text)
                 if t.get_visible() and t.get_text().strip()]
        return min(sizes) if sizes else 0.0

    def render_png(self) -> bytes:
        if not self.png:
            buf = io.BytesIO()
            self.figure.savefig(buf, format="png", dpi=DPI, bbox_inches="tight",
                                facecolor="white")
            self.png = buf.getvalue()
        return self.png


Block = Union[Paragraph, Bullets, Table, FigureBlock]


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    title: str
    subtitle: str
    sections: list[Section]
    footer: list[str] = field(default_factory=list)

    def figures(self) -> list[FigureBlock]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, FigureBlock)]

    def write_pngs(self, directory: Path) -> list[Path]:
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for fig in self.figures():
            path = directory / f"{fig.id}.png"
            path.write_bytes(fig.render_png())
            written.append(path)
        return written


CSS = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; margin: 0;
       background: #fafafa; line-height: 1.5; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 1.7em; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 2px solid #e3e3e3; padding-bottom: 4px; }
.subtitle { color: #555; margin-top: 0; }
nav { background: #f3f5f8; padding: 8px 14px; border-radius: 6px; font-size: 0.92em; }
nav a { margin-right: 14px; color: #0b5394; text-decoration: none; }
figure { margin: 1.4em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.93em; color: #333; margin-top: 6px; }
.table-wrap { max-width: 100%; overflow-x: auto; margin: 0.8em 0 1.2em; }
table { border-collapse: collapse; font-size: 0.9em; }
caption { text-align: left; font-weight: bold; padding-bottom: 4px; }
th, td { border: 1px solid #ddd; padding: 4px 9px; text-align: left; vertical-align: top; }
th { background: #f3f5f8; }
td.num { text-align: right; white-space: nowrap; }
.note { color: #555; font-size: 0.92em; }
footer { color: #666; font-size: 0.85em; margin-top: 3em; border-top: 1px solid #e3e3e3;
         padding-top: 8px; word-break: break-word; }
@media print {
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, tr, .table-wrap caption { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  figure img { border: none; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _cell(value: str, tag: str) -> str:
    text = str(value)
    numeric = text[:1] in "+-\u2212$0123456789" and any(ch.isdigit() for ch in text[:3])
    css = ' class="num"' if tag == "td" and numeric else ""
    return f"<{tag}{css}>{_e(text)}</{tag}>"


def render_block(block: Block, number: dict) -> str:
    if isinstance(block, Paragraph):
        css = f' class="{_e(block.css)}"' if block.css else ""
        return f"<p{css}>{_e(block.text)}</p>"
    if isinstance(block, Bullets):
        lead = f"<p>{_e(block.lead)}</p>\n" if block.lead else ""
        items = "\n".join(f"  <li>{_e(i)}</li>" for i in block.items)
        return f"{lead}<ul>\n{items}\n</ul>"
    if isinstance(block, Table):
        caption = f"<caption>{_e(block.caption)}</caption>" if block.caption else ""
        head = "".join(_cell(h, "th") for h in block.header)
        body = "\n".join("<tr>" + "".join(_cell(c, "td") for c in row) + "</tr>"
                         for row in block.rows)
        # In a box that scrolls sideways on its own when the table is wider than the
        # page, so that the page itself never does.
        return (f'<div class="table-wrap"><table>{caption}\n<thead><tr>{head}</tr></thead>\n'
                f"<tbody>\n{body}\n</tbody></table></div>")
    if isinstance(block, FigureBlock):
        number["n"] += 1
        data = base64.b64encode(block.render_png()).decode("ascii")
        return (f'<figure id="fig-{_e(block.id)}">\n'
                f'<img src="data:image/png;base64,{data}" alt="{_e(block.title)}" '
                f'data-dpi="{DPI}" data-smallest-text-pt="{block.smallest_text_pt():g}">\n'
                f"<figcaption><b>Figure {number['n']}. {_e(block.title)}.</b> "
                f"{_e(block.caption)}</figcaption>\n</figure>")
    raise TypeError(f"unknown block {type(block).__name__}")


def render_html(report: Report) -> str:
    number = {"n": 0}
    nav = " ".join(f'<a href="#{_e(s.id)}">{_e(s.title)}</a>' for s in report.sections)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(report.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body><main>",
        f"<h1>{_e(report.title)}</h1>",
        f'<p class="subtitle">{_e(report.subtitle)}</p>',
        f"<nav>{nav}</nav>",
    ]
    for section in report.sections:
        parts.append(f'<section id="{_e(section.id)}">')
        parts.append(f"<h2>{_e(section.title)}</h2>")
        parts.extend(render_block(b, number) for b in section.blocks)
        parts.append("</section>")
    if report.footer:
        parts.append("<footer>" + "<br>\n".join(_e(f) for f in report.footer) + "</footer>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
