"""Rows of dicts shown as a table: HTML in Jupyter, aligned text elsewhere.

Rows are keyed by identifiers; ``labels`` (each experiment's LABELS) gives the column
headings a reader sees. A key without a label is shown as it is."""

import html
from collections.abc import Mapping

from lab.core.json_types import Row


class Table:
    def __init__(self, rows: list[Row], labels: Mapping[str, str] | None = None):
        self.rows = rows
        self.columns = list(dict.fromkeys(key for row in rows for key in row))
        self.headings = [(labels or {}).get(column, column) for column in self.columns]

    def __str__(self) -> str:
        cells = [[str(row.get(c, "")) for c in self.columns] for row in self.rows]
        widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(self.headings)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(self.headings, widths, strict=False))]
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=False)) for r in cells]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.headings)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(row.get(c, '')))}</td>" for c in self.columns) + "</tr>"
            for row in self.rows
        )
        return f"<table><tr>{head}</tr>{body}</table>"
