"""Query documentation generated from the .rq headers (never written twice).

`okg queries` prints the table; the README's query table is the block between
`<!-- queries:start -->` and `<!-- queries:end -->`, regenerated with `replace_block` from
the same headers, and a test fails when the two drift apart.
"""

from __future__ import annotations

import json
import textwrap
from typing import Mapping

from .queries import StoredQuery
from .results import table

START, END = "<!-- queries:start -->", "<!-- queries:end -->"


def _param(p) -> str:
    if p.required:
        return f"{p.name}:{p.type} (required)"
    return f"{p.name}:{p.type}" + ("" if p.default is None else f"={p.default}")


def _params(query: StoredQuery) -> str:
    return ", ".join(_param(p) for p in query.params.values())


def queries_table(stored: Mapping[str, StoredQuery]) -> str:
    rows = [[name, query.summary, _params(query)] for name, query in stored.items()]
    return table(["name", "summary", "parameters"], rows, width=90)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def queries_markdown(stored: Mapping[str, StoredQuery]) -> str:
    lines = ["| query | what it answers | parameters |", "|---|---|---|"]
    for name, query in stored.items():
        params = ", ".join(f"`{_param(p)}`" for p in query.params.values())
        lines.append(f"| `{name}` | {_cell(query.summary)} | {params} |")
    return "\n".join(lines) + "\n"


def queries_json(stored: Mapping[str, StoredQuery]) -> str:
    data = [{"name": name, "summary": query.summary, "description": query.description,
             "tags": query.tags, "kind": query.kind,
             "params": [vars(p) for p in query.params.values()]} for name, query in stored.items()]
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def query_detail(query: StoredQuery) -> str:
    """One query described for `okg queries NAME`: summary, description, parameters, usage."""
    lines = [f"{query.name}: {query.summary}", ""]
    if query.description:
        lines += [textwrap.fill(query.description, width=92), ""]
    lines.append(f"form: {query.kind}" + (f"; tags: {', '.join(query.tags)}" if query.tags else ""))
    if query.params:
        lines.append("parameters:")
        for p in query.params.values():
            extra = f" - {p.description}" if p.description else ""
            lines.append(f"  -p {_param(p)}{extra}")
    else:
        lines.append("parameters: none")
    example = " ".join(f"-p {p.name} VALUE" for p in query.params.values() if p.required)
    lines.append(f"run: okg query {query.name}" + (f" {example}" if example else ""))
    return "\n".join(lines) + "\n"


def readme_block(stored: Mapping[str, StoredQuery]) -> str:
    """The generated README block, markers included."""
    return f"{START}\n{queries_markdown(stored)}{END}"


def current_block(text: str) -> str | None:
    """The marked block of a README as it stands, or None without both markers."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        return None
    return text[start: end + len(END)]


def replace_block(text: str, stored: Mapping[str, StoredQuery]) -> str:
    """The README text with its marked block regenerated (unchanged without markers)."""
    block = current_block(text)
    return text if block is None else text.replace(block, readme_block(stored), 1)
