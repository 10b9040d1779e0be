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
from .results import GRAPH_MEDIA_TYPES, SELECT_MEDIA_TYPES

# What to ask for, best first; any standard answer is read (by its Content-Type).
ACCEPT = {
    "SELECT": "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
              "text/tab-separated-values;q=0.5",
    "CONSTRUCT": "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5",
}
ACCEPT["ASK"] = ACCEPT["SELECT"]
ACCEPT["DESCRIBE"] = ACCEPT["CONSTRUCT"]
RESULT_PARSERS = SELECT_MEDIA_TYPES
GRAPH_PARSERS = {**GRAPH_MEDIA_TYPES, "application/n-quads": "nquads", "application/trig": "trig"}


def request(url: str, data: bytes | None, headers: dict[str, str], timeout: float,
            method: str | None = None) -> tuple[bytes, str]:
    """The answer's body and media type; any failure is an OkgError naming the URL."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise OkgError(url, "not an http(s) URL", "give the endpoint as http://host:port/path")
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            media = response.headers.get_content_type() or ""
            return response.read(), media
    except urllib.error.HTTPError as err:
        body = err.read().decode("utf-8", "replace").strip().splitlines()
        detail = body[0][:200] if body else err.reason
        raise OkgError(url, f"endpoint answered HTTP {err.code}: {detail}") from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as err:
        reason = getattr(err, "reason", None) or err
        if isinstance(reason, (socket.timeout, TimeoutError)):
            reason = f"no answer within {timeout:g}s"
        elif isinstance(reason, OSError) and reason.strerror:
            reason = reason.strerror
        raise OkgError(url, f"endpoint unreachable: {reason}",
                       f"is a SPARQL server running there? --timeout was {timeout:g}s") from None
    except ValueError as err:
        raise OkgError(url, f"invalid endpoint URL: {err}") from None


def remote_query(url: str, text: str, kind: str, timeout: float = 30.0) -> Result:
    """POST the query (application/x-www-form-urlencoded) and parse the answer."""
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    headers = {"Accept": ACCEPT.get(kind, ACCEPT["SELECT"]),
               "Content-Type": "application/x-www-form-urlencoded"}
    payload, media = request(url, body, headers, timeout, "POST")
    try:
        if kind in ("CONSTRUCT", "DESCRIBE"):
            result = Result(kind)
            result.graph = Graph().parse(data=payload.decode("utf-8"), format=GRAPH_PARSERS.get(media, "nt"))
            return result
        return Result.parse(io.BytesIO(payload), format=RESULT_PARSERS.get(media, "json"))
    except Exception as err:  # rdflib's parsers raise assorted types; all mean a bad answer
        message = " ".join(str(err).split())[:200]
        raise OkgError(url, f"unreadable answer from endpoint ({media or 'no media type'}): {message}") from None
