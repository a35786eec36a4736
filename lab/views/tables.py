"""Rows of dicts shown as a table: HTML in Jupyter, aligned text elsewhere."""
import html
from typing import List

from lab.core.json_types import Row


class Table:
    def __init__(self, rows: List[Row]):
        self.rows = rows
        self.columns = list(dict.fromkeys(key for row in rows for key in row))

    def __str__(self) -> str:
        cells = [[str(row.get(c, "")) for c in self.columns] for row in self.rows]
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(self.columns)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(self.columns, widths))]
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(row.get(c, '')))}</td>" for c in self.columns) + "</tr>"
                       for row in self.rows)
        return f"<table><tr>{head}</tr>{body}</table>"
