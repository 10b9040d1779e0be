"""Remote SPARQL 1.1 endpoints: send a query over the Protocol, read the standard results."""

from __future__ import annotations

import io
import socket
import urllib.error
import urllib.parse
import urllib.request

from rdflib import Graph
from rdflib.query import Result

from .errors import OkgError

ACCEPT = {
    "SELECT": "application/sparql-results+json",
    "ASK": "application/sparql-results+json",
    "CONSTRUCT": "application/n-triples",
    "DESCRIBE": "application/n-triples",
}


def request(url: str, data: bytes | None, headers: dict[str, str], timeout: float,
            method: str | None = None) -> bytes:
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as err:
        body = err.read().decode("utf-8", "replace").strip().splitlines()
        detail = body[0][:200] if body else err.reason
        raise OkgError(url, f"endpoint answered HTTP {err.code}: {detail}") from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as err:
        reason = getattr(err, "reason", err)
        raise OkgError(url, f"endpoint unreachable: {reason}",
                       f"is the server running? (timeout {timeout:g}s)") from None
    except ValueError as err:
        raise OkgError(url, f"invalid endpoint URL: {err}") from None


def remote_query(url: str, text: str, kind: str, timeout: float = 30.0) -> Result:
    """POST the query (application/x-www-form-urlencoded) and parse the answer."""
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    headers = {"Accept": ACCEPT.get(kind, ACCEPT["SELECT"]),
               "Content-Type": "application/x-www-form-urlencoded"}
    payload = request(url, body, headers, timeout, "POST")
    try:
        if kind in ("CONSTRUCT", "DESCRIBE"):
            result = Result(kind)
            result.graph = Graph().parse(data=payload.decode("utf-8"), format="nt")
            return result
        return Result.parse(io.BytesIO(payload), format="json")
    except Exception as err:
        raise OkgError(url, f"unreadable answer from endpoint: {err}".splitlines()[0]) from None
