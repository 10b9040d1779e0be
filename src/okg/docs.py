"""Query documentation generated from the .rq headers (never written twice)."""

from __future__ import annotations

import json
from typing import Mapping

from .queries import StoredQuery, table


def _params(query: StoredQuery) -> str:
    parts = []
    for p in query.params.values():
        default = "" if p.default is None else f"={p.default}"
        parts.append(f"{p.name}:{p.type}{default}")
    return ", ".join(parts)


def queries_table(stored: Mapping[str, StoredQuery]) -> str:
    rows = [[name, query.summary, _params(query)] for name, query in stored.items()]
    return table(["name", "summary", "parameters"], rows, width=80)


def queries_markdown(stored: Mapping[str, StoredQuery]) -> str:
    lines = ["| query | what it answers | parameters |", "|---|---|---|"]
    for name, query in stored.items():
        params = ", ".join(f"`{p}`" for p in _params(query).split(", ") if p) or ""
        lines.append(f"| `{name}` | {query.summary} | {params} |")
    return "\n".join(lines) + "\n"


def queries_json(stored: Mapping[str, StoredQuery]) -> str:
    data = [{"name": name, "summary": query.summary, "description": query.description,
             "tags": query.tags, "kind": query.kind,
             "params": [vars(p) for p in query.params.values()]} for name, query in stored.items()]
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
