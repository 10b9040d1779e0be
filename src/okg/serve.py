"""`okg serve`: a read-only SPARQL 1.1 Protocol endpoint over the built graph, with a web page.

    /sparql            GET ?query=, POST form (query=) or application/sparql-query body;
                       without a query: the SPARQL service description (Turtle)
    /queries           the stored queries as JSON
    /queries/NAME      run a stored query; its parameters as ?name=value
    /view/NAME         a network page (okg view NAME -o x.html)
    /                  query editor (YASGUI, vendored), stored-query list, links

Starlette + uvicorn (the `serve` extra). Read-only: updates are refused, SERVICE too unless
allowed. Every query runs in one of ``max_concurrent`` worker processes, forked from the server
once the graph is loaded (they share its memory copy-on-write). Neither rdflib nor Oxigraph can
cancel a running query, so a query past the timeout is answered 503 and its worker is killed and
forked anew: nothing keeps running, nothing piles up. When every worker is busy a request waits,
up to the timeout, then gets 503. Where fork does not exist (Windows), queries run in threads and
a timed-out one runs to its end (`Runner`).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import multiprocessing
import os
import signal
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from . import queries as q
from . import results as R
from .errors import OkgError

WEB = Path(__file__).parent / "web"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

# Media types each query form can answer in, default first.
SELECT_TYPES = R.SELECT_MEDIA_TYPES
GRAPH_TYPES = {media: ("rdf-xml" if key == "xml" else key) for media, key in R.GRAPH_MEDIA_TYPES.items()}
CONTENT_TYPES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8", "nt": "application/n-triples",
    "json-ld": "application/ld+json", "rdf-xml": "application/rdf+xml",
}
SD_FORMATS = {"json": FORMATS.SPARQL_Results_JSON, "xml": FORMATS.SPARQL_Results_XML,
              "csv": FORMATS.SPARQL_Results_CSV, "tsv": FORMATS.SPARQL_Results_TSV,
              "turtle": FORMATS.Turtle, "nt": FORMATS["N-Triples"], "json-ld": FORMATS["JSON-LD"],
              "rdf-xml": FORMATS.RDF_XML}



class HTTPProblem(Exception):
    """An answer other than 200: status, one-line message, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass
class Settings:
    timeout: float = 30.0
    max_rows: int = 10000
    allow_service: bool = False
    max_body: int = 256 * 1024
    max_concurrent: int = 4


# ---------------------------------------------------------------- content negotiation


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q, best first (stable among equals)."""
    items = []
    for i, part in enumerate((header or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        weight = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    weight = float(f[2:])
                except ValueError:
                    weight = 0.0
        items.append((media, weight, i))
    items.sort(key=lambda item: (-item[1], item[2]))
    return [(m, w) for m, w, _ in items if w > 0]


def negotiate(header: str | None, offered: dict[str, str]) -> str:
    """The format key of the best offered media type; 406 when none is acceptable."""
    default = next(iter(offered))
    for media, _ in parse_accept(header):
        if media in ("*/*", "*"):
            return offered[default]
        if media.endswith("/*"):
            for candidate in offered:
                if candidate.startswith(media[:-1]):
                    return offered[candidate]
        elif media in offered:
            return offered[media]
    raise HTTPProblem(406, f"cannot answer in {header!r}; acceptable: {', '.join(offered)}")


def offered_for(form: str) -> dict[str, str]:
    return GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else SELECT_TYPES


# ---------------------------------------------------------------- query checks


def refuse_unsafe(text: str, where: str, allow_service: bool) -> q.StoredQuery:
    """The query as a StoredQuery once it parses; updates and (unless allowed) SERVICE refused."""
    if not text.strip():
        raise HTTPProblem(400, "empty query: give a SPARQL query as query=")
    stored = q.from_text(text, where)
    try:
        q.check_syntax(stored)
    except OkgError as err:
        if _is_update(text):
            raise HTTPProblem(403, "updates are refused: this endpoint is read-only") from None
        raise HTTPProblem(400, str(err)) from None
    if not allow_service:
        refuse_service(text)
    return stored


def refuse_service(text: str) -> None:
    """400 if the query calls SERVICE (a federated query to another host)."""
    if any(m.lastgroup == "word" and m[0].upper() == "SERVICE" for m in q._TOKEN.finditer(text)):
        raise HTTPProblem(400, "SERVICE (federated query) is refused by this endpoint "
                               "(start it with okg serve --allow-service to permit it)")


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
        return True
    except Exception:  # not an update either: a plain syntax error
        return False


# ---------------------------------------------------------------- running


def execute(kg, stored: q.StoredQuery, params: dict[str, Any], fmt: str, max_rows: int) -> tuple[bytes, bool]:
    """Run the query and serialise its answer (both in the worker thread: rdflib evaluates lazily).
    Returns the body and whether rows were cut at max_rows."""
    result = kg.run(stored, params)
    truncated = False
    if result.type == "ASK":
        answer = bool(result.askAnswer)
        if fmt in ("csv", "tsv"):  # no boolean form is defined: the word, as okg query prints it
            return (("true" if answer else "false") + ("\r\n" if fmt == "csv" else "\n")).encode(), False
        return (R.to_json([], [], answer) if fmt == "json" else R.to_xml([], [], answer)).encode(), False
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = Graph()
        for prefix, ns in q.PREFIXES.items():
            graph.bind(prefix, ns)
        for i, triple in enumerate(result.graph or []):
            if i >= max_rows:
                truncated = True
                break
            graph.add(triple)
        if fmt == "turtle":
            from .store import turtle

            text = turtle(graph)
        else:
            text = graph.serialize(format="xml" if fmt == "rdf-xml" else fmt)
        return text.encode("utf-8"), truncated
    names = [str(v) for v in result.vars or []]
    rows = []
    for row in result:
        if len(rows) >= max_rows:
            truncated = True
            break
        rows.append(tuple(row))
    writer = {"json": R.to_json, "xml": R.to_xml, "csv": R.to_csv, "tsv": R.to_tsv}[fmt]
    return writer(names, rows).encode("utf-8"), truncated


def render_view(kg, name: str) -> str:
    from . import viz

    return viz.to_html(kg.view(name))


def _busy(settings) -> HTTPProblem:
    return HTTPProblem(503, f"busy: {settings.max_concurrent} queries are running; retry later", {"Retry-After": "5"})


def _timed_out(settings) -> HTTPProblem:
    return HTTPProblem(503, f"query timed out after {settings.timeout:g}s", {"Retry-After": "5"})


class Runner:
    """Worker threads under a semaphore, each query with a deadline: `fn(kg, *args)`.

    The fallback where fork does not exist: a timed-out query still runs to its end in its thread,
    holding its slot until then.
    """

    def __init__(self, kg, settings: Settings):
        self.kg, self.settings = kg, settings
        self.pool = ThreadPoolExecutor(max_workers=settings.max_concurrent, thread_name_prefix="okg-query")
        self.slots = threading.BoundedSemaphore(settings.max_concurrent)

    async def run(self, fn, *args):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.timeout
        while not self.slots.acquire(blocking=False):
            if loop.time() >= deadline:
                raise _busy(self.settings)
            await asyncio.sleep(0.01)
        try:
            future = self.pool.submit(fn, self.kg, *args)
        except BaseException:
            self.slots.release()
            raise
        future.add_done_callback(lambda _: self.slots.release())
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)),
                                          max(0.0, deadline - loop.time()))
        except asyncio.TimeoutError:
            raise _timed_out(self.settings) from None

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _open_read_only(path: str, root: str, with_inferred: bool):
    from .oxstore import OxKG, OxStore

    return OxKG(OxStore(path, read_only=True), Path(root), with_inferred=with_inferred)


def _work(conn, kg, inherited) -> None:
    """A worker process: run (fn, args) jobs on kg until the server goes away.

    kg is the server's own (forked) or, for a store on disk, how to open it read-only (spawned).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    for other in inherited:  # the server's ends of the other workers' pipes
        other.close()
    if isinstance(kg, tuple):
        kg = _open_read_only(*kg)
    conn.send("ready")
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply = ("ok", fn(kg, *args))
        except OkgError as err:
            reply = ("input", (err.where, err.message, err.hint))
        except Exception as err:  # noqa: BLE001 - reported to the client as a server error
            reply = ("error", f"{type(err).__name__}: {err}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            os._exit(0)


class Workers:
    """`max_concurrent` forked worker processes, each query with a deadline: `fn(kg, *args)`.

    A query past its deadline gets 503 and its worker is killed and replaced, so a runaway query
    costs nothing once answered. A worker that dies (out of memory, say) is replaced too.
    """

    def __init__(self, kg, settings: Settings):
        self.kg, self.settings = kg, settings
        self.context = multiprocessing.get_context("fork")
        path = getattr(getattr(kg, "store", None), "path", None)
        if path is not None:  # RocksDB does not survive fork: each worker opens the folder read-only
            self.context = multiprocessing.get_context("spawn")
            self.kg = (str(path), str(kg.root), kg.with_inferred)
        self.conns: dict[int, Any] = {}  # pid -> the server's end of its pipe
        self.procs: dict[int, Any] = {}
        self.idle: list[int] = []
        self.starting: set[int] = set()
        for _ in range(settings.max_concurrent):
            self.idle.append(self._spawn())
        for pid, conn in self.conns.items():  # each worker says when it is ready (spawned ones load okg)
            try:
                ready = conn.poll(60) and conn.recv() == "ready"
            except (EOFError, OSError):
                ready = False
            if not ready:
                self.close()
                raise OkgError("okg serve", f"query worker {pid} did not start", "see the error above")

    def _spawn(self) -> int:
        ours, theirs = self.context.Pipe()
        inherited = list(self.conns.values()) + [ours] if self.context.get_start_method() == "fork" else []
        proc = self.context.Process(target=_work, args=(theirs, self.kg, inherited), daemon=True, name="okg-query")
        proc.start()
        theirs.close()
        self.conns[proc.pid], self.procs[proc.pid] = ours, proc
        return proc.pid

    def _retire(self, pid: int) -> None:
        self.starting.discard(pid)
        conn, proc = self.conns.pop(pid), self.procs.pop(pid)
        conn.close()
        if proc.is_alive():
            os.kill(pid, signal.SIGKILL)
        proc.join(5)

    def _replace(self, pid: int) -> None:
        self._retire(pid)
        fresh = self._spawn()
        self.starting.add(fresh)  # says "ready" before its first job
        self.idle.append(fresh)

    @staticmethod
    async def _reply(conn, loop, deadline: float):
        readable = loop.create_future()
        loop.add_reader(conn.fileno(), lambda: readable.done() or readable.set_result(None))
        try:
            await asyncio.wait_for(readable, max(0.0, deadline - loop.time()))
        finally:
            loop.remove_reader(conn.fileno())
        return conn.recv()

    async def run(self, fn, *args):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.timeout
        while not self.idle or loop.time() >= deadline:  # past its deadline, a request never starts
            if loop.time() >= deadline:
                raise _busy(self.settings)
            await asyncio.sleep(0.005)
        pid = self.idle.pop()
        conn = self.conns[pid]
        try:
            if pid in self.starting:
                if await self._reply(conn, loop, deadline) != "ready":
                    raise EOFError
                self.starting.discard(pid)
            conn.send((fn, args))
            kind, value = await self._reply(conn, loop, deadline)
        except asyncio.TimeoutError:
            self._replace(pid)
            raise _timed_out(self.settings) from None
        except (EOFError, OSError):
            self._replace(pid)
            raise HTTPProblem(500, "the query's worker process died (out of memory?); retry or simplify it") from None
        except BaseException:  # the client went away mid-query: the worker's state is unknown
            self._replace(pid)
            raise
        self.idle.append(pid)
        if kind == "input":
            raise OkgError(*value)
        if kind == "error":
            raise HTTPProblem(500, value)
        return value

    def close(self) -> None:
        for pid in list(self.conns):
            self._retire(pid)


def runner_for(kg, settings: Settings):
    """Worker processes where fork exists, else threads."""
    if "fork" in multiprocessing.get_all_start_methods():
        return Workers(kg, settings)
    return Runner(kg, settings)


# ---------------------------------------------------------------- service description


def service_description(endpoint: str, fmt: str) -> bytes:
    g = Graph()
    g.bind("sd", SD)
    g.bind("formats", FORMATS)
    service = URIRef(endpoint + "#service")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for key in ("json", "xml", "csv", "tsv", "turtle", "nt", "json-ld", "rdf-xml"):
        g.add((service, SD.resultFormat, SD_FORMATS[key]))
    dataset = URIRef(endpoint + "#dataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((service, URIRef("http://purl.org/dc/terms/title"), Literal("okg SPARQL endpoint (read-only)")))
    return g.serialize(format="xml" if fmt == "rdf-xml" else fmt).encode("utf-8")


# ---------------------------------------------------------------- the page


def home_page(stored: dict[str, q.StoredQuery], views: list[str]) -> str:
    e = html.escape
    items = []
    for name, query in stored.items():
        params = ", ".join(query.params)
        hint = f" <small>(parameters: {e(params)})</small>" if params else ""
        items.append(f'<li><a href="/queries/{e(urllib.parse.quote(name))}">{e(name)}</a> — '
                     f"{e(query.summary)}{hint}</li>")
    view_links = " · ".join(f'<a href="/view/{e(urllib.parse.quote(v))}">{e(v)}</a>' for v in views)
    first = next(iter(stored.values()), None)
    default_query = first.text if first is not None else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    config = json.dumps({"query": default_query})
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        config = config.replace(char, code)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>okg — SPARQL endpoint</title>
<link rel="stylesheet" href="/vendor/yasgui/yasgui.min.css">
<style>
body {{ font-family: system-ui, sans-serif; margin: 1rem 2rem; }}
#queries li {{ margin: .2rem 0; }}
</style>
</head>
<body>
<h1>okg — Morocco offshoring knowledge graph</h1>
<p>Read-only SPARQL 1.1 endpoint at <code>/sparql</code> (the default graph is the union of the
article graphs, the ontology and the inferred triples). Network page:
<a href="/view/org-programme">organisations and programmes</a>{(" · " + view_links) if view_links else ""}.</p>
<div id="yasgui"></div>
<h2>Stored queries</h2>
<p>JSON list: <a href="/queries">/queries</a>. Give parameters as <code>?name=value</code>.</p>
<ul id="queries">
{chr(10).join(items)}
</ul>
<script src="/vendor/yasgui/yasgui.min.js"></script>
<script>
(function () {{
  var start = {config};
  var endpoint = new URL("/sparql", window.location.href).href;
  new Yasgui(document.getElementById("yasgui"), {{
    requestConfig: {{ endpoint: endpoint, method: "POST" }},
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: {{ getData: function () {{ return [{{ endpoint: endpoint }}]; }} }},
    persistenceId: null,
    yasqe: {{ value: start.query }}
  }});
}})();
</script>
</body>
</html>
"""


# ---------------------------------------------------------------- the app


class NoSniff:
    """ASGI middleware: every answer says X-Content-Type-Options: nosniff."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        async def sending(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-content-type-options", b"nosniff")]
            await send(message)
        await self.app(scope, receive, sending if scope["type"] == "http" else send)


def create_app(kg, settings: Settings | None = None):
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
    from starlette.middleware import Middleware
    from starlette.routing import Route

    settings = settings or Settings()
    runner = runner_for(kg, settings)
    view_cache: dict[str, str] = {}

    def problem(err: HTTPProblem) -> Response:
        return PlainTextResponse(f"okg: {err.message}\n", status_code=err.status, headers=err.headers)

    async def read_body(request: Request) -> bytes:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_body:
            raise HTTPProblem(413, f"request body over {settings.max_body} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > settings.max_body:
                raise HTTPProblem(413, f"request body over {settings.max_body} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def form(raw: bytes) -> dict[str, list[str]]:
        try:
            return urllib.parse.parse_qs(raw.decode("ascii"), keep_blank_values=True, strict_parsing=False,
                                         encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            raise HTTPProblem(400, "the request is not valid UTF-8") from None

    async def answer(request: Request, stored: q.StoredQuery, params: dict[str, Any]) -> Response:
        fmt = negotiate(request.headers.get("accept"), offered_for(stored.kind))
        try:
            body, truncated = await runner.run(execute, stored, params, fmt, settings.max_rows)
        except OkgError as err:
            raise HTTPProblem(400, str(err)) from None
        headers = {"X-Okg-Truncated": "true"} if truncated else {}
        return Response(body, media_type=CONTENT_TYPES[fmt], headers=headers)

    async def sparql(request: Request) -> Response:
        try:
            fields = form(request.scope.get("query_string", b""))
            text = None
            if request.method == "POST":
                media = request.headers.get("content-type", "").split(";")[0].strip().lower()
                raw = await read_body(request)
                if media == "application/sparql-update":
                    raise HTTPProblem(403, "updates are refused: this endpoint is read-only")
                if media == "application/sparql-query":
                    try:
                        text = raw.decode("utf-8")
                    except UnicodeDecodeError:
                        raise HTTPProblem(400, "the request is not valid UTF-8") from None
                elif media == "application/x-www-form-urlencoded":
                    for key, values in form(raw).items():
                        fields.setdefault(key, []).extend(values)
                else:
                    raise HTTPProblem(415, "POST a query as application/x-www-form-urlencoded (query=...) "
                                           "or application/sparql-query")
            if "update" in fields:
                raise HTTPProblem(403, "updates are refused: this endpoint is read-only")
            if "default-graph-uri" in fields or "named-graph-uri" in fields:
                raise HTTPProblem(400, "default-graph-uri and named-graph-uri are not supported "
                                       "(use GRAPH or FROM in the query)")
            if text is None:
                given = fields.get("query")
                if given is None:
                    if request.method == "GET":
                        fmt = negotiate(request.headers.get("accept"), GRAPH_TYPES)
                        return Response(service_description(str(request.url_for("sparql")), fmt),
                                        media_type=CONTENT_TYPES[fmt])
                    raise HTTPProblem(400, "empty query: give a SPARQL query as query=")
                if len(given) > 1:
                    raise HTTPProblem(400, "give exactly one query= parameter")
                text = given[0]
            stored = refuse_unsafe(text, "query", settings.allow_service)
            return await answer(request, stored, {})
        except HTTPProblem as err:
            return problem(err)

    async def query_list(request: Request) -> Response:
        data = [{"name": name, "summary": s.summary, "description": s.description, "kind": s.kind,
                 "tags": s.tags, "url": f"/queries/{urllib.parse.quote(name)}",
                 "params": [{"name": p.name, "type": p.type, "default": p.default,
                             "description": p.description, "required": p.required}
                            for p in s.params.values()]}
                for name, s in kg.stored().items()]
        return JSONResponse(json.loads(json.dumps(data, default=str)))

    async def stored_query(request: Request) -> Response:
        name = request.path_params["name"]
        try:
            stored = kg.stored().get(name)
            if stored is None:
                raise HTTPProblem(404, f"no stored query {name!r} (see /queries)")
            raw = form(request.scope.get("query_string", b""))
            params = {k: v[-1] for k, v in raw.items()}
            try:
                q.bindings(stored, params)  # unknown or invalid parameters → 400 before any work
            except OkgError as err:
                raise HTTPProblem(400, str(err)) from None
            if not settings.allow_service:
                refuse_service(stored.text)
            return await answer(request, stored, params)
        except HTTPProblem as err:
            return problem(err)

    async def view(request: Request) -> Response:
        from . import views

        name = request.path_params["name"]
        if name not in view_cache:
            if name not in views.available(kg):
                return problem(HTTPProblem(404, f"no view {name!r}"))
            try:
                page = await runner.run(render_view, name)
            except HTTPProblem as err:
                return problem(err)
            view_cache[name] = page
        return HTMLResponse(view_cache[name])

    async def home(request: Request) -> Response:
        from . import views

        return HTMLResponse(home_page(kg.stored(), list(views.available(kg))))

    def vendor(name: str, media: str):
        async def handler(request: Request) -> Response:
            return FileResponse(WEB / "vendor" / "yasgui" / name, media_type=media,
                                headers={"Cache-Control": "public, max-age=86400"})
        return handler

    routes = [
        Route("/", home),
        Route("/sparql", sparql, methods=["GET", "POST"], name="sparql"),
        Route("/queries", query_list),
        Route("/queries/{name}", stored_query),
        Route("/view/{name}", view),
        Route("/vendor/yasgui/yasgui.min.js", vendor("yasgui.min.js", "text/javascript")),
        Route("/vendor/yasgui/yasgui.min.css", vendor("yasgui.min.css", "text/css")),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        runner.close()

    app = Starlette(routes=routes, middleware=[Middleware(NoSniff)], lifespan=lifespan)
    app.state.runner = runner
    return app


def serve(kg, host: str = "127.0.0.1", port: int = 7878, settings: Settings | None = None,
          log_level: str = "warning") -> None:
    try:
        import uvicorn
    except ImportError:
        raise OkgError("okg serve", "needs starlette and uvicorn", "pip install 'okg[serve]'") from None
    app = create_app(kg, settings)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False)
    server = uvicorn.Server(config)
    import socket

    try:  # a busy port is bad input, not a traceback
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as err:
        raise OkgError(f"{host}:{port}", f"cannot listen: {err.strerror}", "pick another --port") from None
    print(f"okg: serving http://{host}:{port}/ (SPARQL endpoint: /sparql; Ctrl-C stops)", flush=True)
    server.run()
