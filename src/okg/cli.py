"""`okg` command line: parses arguments, calls the library, prints. Exit 0 ok, 1 findings, 2 bad input."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import queries as q
from .errors import OkgError
from .store import find_root, write_files


class OkgGroup(click.Group):
    """Bad input becomes one line on stderr and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OkgError as err:
            click.echo(f"okg: {err}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("okg: interrupted", err=True)
            ctx.exit(130)


@click.group(cls=OkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="okg")
def main() -> None:
    """okg: a knowledge graph of Morocco's offshoring and digital-economy programmes."""


def _emit(text: str, output: str | None) -> None:
    if output:
        write_files({Path(output): text})
    else:
        click.echo(text, nl=False)


# ---------------------------------------------------------------- build and validate


@main.command()
@click.option("--check", is_flag=True, help="Exit 1 if graph/ is not what the sheets build (writes nothing).")
@click.option("--no-validate", is_flag=True, help="Write the graph even if SHACL or QC checks fail.")
def build(check: bool, no_validate: bool) -> None:
    """Compile seeds/*.yaml and the ontology into graph/okg.trig and graph/okg.ttl."""
    from .compile import build as run_build
    from .kg import KG

    root = find_root()
    result = run_build(root, check=True)
    if check:
        for path in result.stale:
            click.echo(f"stale: {path.relative_to(root)}", err=True)
        if result.stale:
            click.echo("graph/ is out of date (run: okg build)", err=True)
            sys.exit(1)
        click.echo("graph/ is up to date")
        return
    if not no_validate:
        report = KG(result.dataset, root).validate()
        if not report.conforms():
            click.echo(report.text(), err=True, nl=False)
            click.echo("okg: build refused: the graph does not conform (graph/ left as it was)", err=True)
            sys.exit(1)
    if result.stale:
        write_files(result.files)
    for path, text in result.files.items():
        status = "wrote" if path in result.stale else "unchanged"
        click.echo(f"{status} {path.relative_to(root)} ({text.count(chr(10))} lines)")


store_option = click.option(
    "--store", default="memory", show_default=True, metavar="memory|oxigraph[:PATH]",
    help="Where the graph is held: rdflib in memory, or Oxigraph (in memory, or persistent in the folder "
         "PATH, loaded once and reused while the graph file is unchanged). Oxigraph validates with SHACL "
         "compiled to SPARQL (okg.shaclsparql).")


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Lowest severity that makes the exit code 1.")
@store_option
def validate(file: str | None, fmt: str, fail_on: str, store: str) -> None:
    """Check the graph (or FILE) with SHACL shapes and QC queries. Exit 0 conforms, 1 violations."""
    from .kg import load

    report = load(file, store=store).validate()
    if fmt == "turtle":
        click.echo(report.graph().serialize(format="turtle"), nl=False)
    elif fmt == "json":
        click.echo(report.json(), nl=False)
    else:
        click.echo(report.text(), nl=False)
    sys.exit(0 if report.conforms(fail_on) else 1)


# ---------------------------------------------------------------- queries


@main.command("query")
@click.argument("name", required=False)
@click.option("-e", "--expr", metavar="SPARQL", help="Inline SPARQL instead of a stored query.")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Bind a parameter the query header declares (okg queries NAME lists them); "
                   "bound as an RDF term, never pasted into the query text.")
@click.option("--format", "fmt", help="SELECT/ASK: table (default on a terminal), csv (default otherwise), "
                                      "tsv, json, xml. CONSTRUCT/DESCRIBE: ttl (default), nt, jsonld, xml. "
                                      "Else from -o's extension.")
@click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False),
              help="Query these RDF files instead of the built graph (format from the extension; "
                   "stored queries need TriG or N-Quads, whose named graphs say which article states what).")
@click.option("--endpoint", metavar="URL", help="Send the query to a remote SPARQL 1.1 endpoint.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for an endpoint.")
@click.option("--with-inferred/--no-inferred", default=True, show_default=True,
              help="Include the triples OWL RL inferred (the inferred named graph).")
@click.option("--columns", metavar="A,B,...", help="Print only these columns of a SELECT, in this order.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (format from its extension).")
@store_option
def query_cmd(name, expr, params, fmt, data, endpoint, timeout, with_inferred, columns, output, store) -> None:
    """Run a stored query by NAME, a FILE.rq, or -e 'SPARQL'.

    \b
    okg query programmes-led-by -p organisation id:organisation/apebi
    okg query search -p text "relation client" --format json
    okg query -e 'ASK { ?c okg:signedIn ?p }' --endpoint http://127.0.0.1:7878/query
    """
    from .kg import load

    if name and expr:
        raise OkgError("", "give a query NAME (or FILE.rq) or -e 'SPARQL', not both", "try: okg queries")
    if not name and not expr:
        raise OkgError("", "no query given", "give a stored query name, a FILE.rq or -e 'SPARQL' (try: okg queries)")
    if endpoint and data:
        raise OkgError("--endpoint", "--data and --endpoint exclude each other",
                       "query local files or a remote endpoint, not both")
    if endpoint and not with_inferred:
        raise OkgError("--no-inferred", "cannot leave out inferred triples on a remote endpoint",
                       "the endpoint answers from whatever it holds")
    kg = load(list(data) or None, with_inferred=with_inferred, endpoint=endpoint, timeout=timeout, store=store)
    stored = q.from_text(expr, "inline") if expr else kg.resolve(name)
    graph_result = stored.kind in ("CONSTRUCT", "DESCRIBE")
    key = _result_format(fmt, output, graph_result)
    result = kg.run(stored, dict(params))
    if graph_result:
        from .store import GRAPH_FORMATS, turtle

        graph = q.graph_result(result)
        text = turtle(graph) if key == "ttl" else graph.serialize(format=GRAPH_FORMATS[key])
    else:
        text = q.format_result(result, key, [c.strip() for c in columns.split(",")] if columns else None)
    _emit(text, output)


def _result_format(fmt: str | None, output: str | None, graph: bool) -> str:
    """The output format: --format, else -o's extension, else the default for the query form."""
    from .results import EXTENSIONS
    from .store import format_of

    if graph:
        if fmt in (None, "table") and not output:
            return "ttl"
        return format_of(output if not fmt or fmt == "table" else None, fmt if fmt != "table" else None)
    if not fmt and output and Path(output).suffix:
        suffix = Path(output).suffix.lstrip(".").lower()
        if suffix not in EXTENSIONS:
            raise OkgError(output, f"unknown result format {suffix!r}",
                           f"use one of: {', '.join(sorted(EXTENSIONS))}, or --format")
        return EXTENSIONS[suffix]
    key = fmt or ("table" if sys.stdout.isatty() and not output else "csv")
    if key not in q.SELECT_FORMATS:
        raise OkgError("--format", f"unknown result format {key!r}", f"one of: {', '.join(q.SELECT_FORMATS)}")
    return key


@main.command("queries")
@click.argument("name", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table", show_default=True)
@click.option("--update", "update", type=click.Path(dir_okay=False, exists=True), metavar="FILE",
              help="Regenerate the query table between <!-- queries:start --> and <!-- queries:end --> in FILE.")
def queries_cmd(name: str | None, fmt: str, update: str | None) -> None:
    """List the stored queries with their summary and parameters, or describe query NAME."""
    from .docs import current_block, queries_json, queries_markdown, queries_table, query_detail, replace_block
    from .store import data_dir

    folder = data_dir(find_root(), "queries")
    if name:
        click.echo(query_detail(q.resolve(name, folder)), nl=False)
        return
    stored = q.stored_queries(folder)
    if update:
        text = Path(update).read_text(encoding="utf-8")
        if current_block(text) is None:
            raise OkgError(update, "no <!-- queries:start --> ... <!-- queries:end --> block", "add the two markers")
        new = replace_block(text, stored)
        if new != text:
            write_files({Path(update): new})
        click.echo(f"{'updated' if new != text else 'unchanged'} {update} ({len(stored)} queries)")
        return
    click.echo({"table": queries_table, "markdown": queries_markdown, "json": queries_json}[fmt](stored), nl=False)


@main.command()
@click.option("--format", "fmt", help="ttl (default), nt, nq, trig, jsonld, xml; else from -o's extension.")
@click.option("--with-inferred", is_flag=True, help="Add the triples OWL RL inferred.")
@click.option("--with-ontology", is_flag=True, help="Add the ontology.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (atomically).")
@store_option
def export(fmt, with_inferred, with_ontology, output, store) -> None:
    """Serialise the graph (asserted facts; add --with-inferred, --with-ontology)."""
    from .kg import load

    text = load(store=store).export(output, fmt, with_inferred, with_ontology)
    if not output:
        click.echo(text, nl=False)


@main.command()
@click.option("--format", "fmt", type=click.Choice(q.SELECT_FORMATS), default=None)
@store_option
def stats(fmt: str | None, store: str) -> None:
    """Count facts per class and article."""
    from .kg import load

    kg = load(store=store)
    result = kg.run("stats")
    click.echo(q.format_result(result, fmt or ("table" if sys.stdout.isatty() else "csv")), nl=False)


# ---------------------------------------------------------------- views


@main.command("view")
@click.argument("name", required=False)
@click.option("-o", "--output", type=click.Path(), help="Write FILE: .html .png .svg .graphml .gexf .json .dot (atomically).")
@click.option("--format", "fmt", help="With --metrics: table, csv, json. Else a file format to print (html, gexf, json...).")
@click.option("--metrics", is_flag=True, help="Print degree, betweenness and Louvain community per node.")
@click.option("--filter", "filters", multiple=True, metavar="KEY=VALUE",
              help="article=STEM|FILE|IRI, type=Organisation[,Programme], min-degree=N (repeatable).")
@click.option("--layout", type=click.Choice(["spring", "kamada-kawai", "circular", "shell", "bipartite"]),
              help="Layout of .png/.svg pictures (default: the view's own).")
@click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False),
              help="View this RDF file instead of the built graph.")
@store_option
def view_cmd(name, output, fmt, metrics, filters, layout, data, store) -> None:
    """List the views, or show view NAME: a summary, --metrics, or a file with -o."""
    from . import views, viz
    from .kg import load

    if output:
        viz.format_of(output)  # refuse an unknown extension before any work
    kg = load(list(data) or None, store=store)
    if not name:
        found = views.available(kg)
        click.echo(q.table(["view", "summary"], [[n, v.summary] for n, v in found.items()], width=100), nl=False)
        return
    given = {}
    for item in filters:
        key, sep, value = item.partition("=")
        if not sep:
            raise OkgError("--filter", f"{item!r} is not KEY=VALUE", "e.g. --filter type=Organisation")
        given[key.strip().replace("-", "_")] = value.strip()
    graph = kg.view(name, **given)
    if metrics:
        result = views.metrics(graph)
        text_fmt = fmt or ("table" if sys.stdout.isatty() else "csv")
        click.echo(views.metrics_text(result, text_fmt, name), nl=False)
        click.echo(f"okg: {result.note}", err=True)
    if output:
        path = viz.write(graph, output, layout=layout)
        click.echo(f"wrote {path} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} links)", err=True)
    elif fmt and not metrics:
        kind = viz.format_of(None, fmt)
        if kind == "png":
            raise OkgError("--format png", "a PNG cannot be printed", "write it with -o FILE.png")
        click.echo(viz.render(graph, kind, layout), nl=False)
    elif not metrics:
        click.echo(views.summary(graph), nl=False)


# ---------------------------------------------------------------- extract


@main.command()
@click.argument("articles", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["yaml", "json", "ttl"]), default="yaml", show_default=True,
              help="Draft fact sheet format (json and ttl print to stdout unless -o is given).")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False),
              help="Write one <article>.<format> per article into this folder.")
@click.option("--published", help="The article's date (YYYY-MM-DD) when its text does not print it: "
              "relative periods such as 'l'an dernier' resolve against it.")
@click.option("--sheets", type=click.Path(file_okay=False),
              help="Fact sheets whose names the gazetteer links to (default: the project's seeds/).")
@click.option("--rules-only", is_flag=True, help="Do not load the spaCy model.")
@click.option("--evaluate", "evaluate_dir", type=click.Path(file_okay=False),
              help="Score drafts against the curated sheets in this folder, leave-one-article-out.")
@click.option("--text-dates", is_flag=True,
              help="With --evaluate: use only dates printed in the articles, not the sheets' dates.")
def extract(articles, fmt, outdir, published, sheets, rules_only, evaluate_dir, text_dates) -> None:
    """Draft fact sheets from press articles (every fact with its quote), ready to correct."""
    import datetime as dt

    from .extract import batch as B
    from .extract.evaluate import evaluate as run_evaluation

    nlp = None if rules_only else "auto"
    if evaluate_dir:
        result = run_evaluation(Path(evaluate_dir), dated=not text_dates, nlp=nlp, progress=sys.stderr.isatty())
        click.echo(result.table())
        return
    if not articles:
        raise OkgError("okg extract", "no article given", "okg extract ARTICLE.txt... or --evaluate seeds/")
    try:
        date = dt.date.fromisoformat(published) if published else None
    except ValueError:
        raise OkgError("--published", f"invalid date {published!r}", "use YYYY-MM-DD") from None
    if sheets:
        folder = Path(sheets)
    else:
        try:
            folder = find_root() / "seeds"
        except OkgError:
            folder = None
    gaz = B.SheetsGazetteer(folder)
    result = B.extract_many([Path(a) for a in articles], gaz, published=date, nlp=nlp)
    if outdir:
        for path in B.write(result, fmt, Path(outdir)):
            click.echo(str(path))
    else:
        click.echo(B.render(result, fmt), nl=False)
    if result.failures:
        for err in result.failures:
            click.echo(f"okg: {err}", err=True)
        click.echo(f"okg: extract: {len(result.failures)} of {len(articles)} article(s) failed", err=True)
        sys.exit(2)


# ---------------------------------------------------------------- serve and push


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. 127.0.0.1 (the default) accepts connections from this machine "
                   "only; 0.0.0.0 opens the endpoint to your network (read-only, but anyone who can reach "
                   "the port can run queries).")
@click.option("--port", type=int, default=7878, show_default=True)
@click.option("--timeout", type=float, default=30.0, show_default=True,
              help="Seconds a query may run before the answer is 503 (its worker process is killed and replaced).")
@click.option("--max-rows", type=int, default=10000, show_default=True,
              help="Rows (or triples) per answer; more are cut and the answer says X-Okg-Truncated: true.")
@click.option("--max-concurrent", type=int, default=4, show_default=True,
              help="Worker processes, so queries evaluated at once; beyond that requests wait (up to --timeout), "
                   "then get 503.")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE (federated queries to other endpoints).")
@click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False),
              help="Serve these RDF files instead of the built graph.")
@store_option
def serve(host, port, timeout, max_rows, max_concurrent, allow_service, data, store) -> None:
    """Serve a read-only SPARQL 1.1 endpoint (/sparql), the stored queries and a query page."""
    from .kg import load
    from .serve import Settings, serve as run_server

    if timeout <= 0 or max_rows < 1 or max_concurrent < 1:
        raise OkgError("okg serve", "--timeout, --max-rows and --max-concurrent must be positive")
    run_server(load(list(data) or None, store=store), host, port,
               Settings(timeout=timeout, max_rows=max_rows, allow_service=allow_service,
                        max_concurrent=max_concurrent))


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store (oxigraph).")
@click.option("--graph", "graph", metavar="IRI", help="Push only this named graph.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for each answer.")
@click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False),
              help="Push these RDF files instead of the built graph.")
@store_option
def push(endpoint, graph, timeout, data, store) -> None:
    """Upload every named graph by HTTP PUT (SPARQL 1.1 Graph Store Protocol); re-running converges."""
    from .kg import load
    from .push import push as run_push

    done = run_push(load(list(data) or None, store=store), endpoint, graph, timeout,
                    progress=lambda p: click.echo(f"pushed <{p.graph}> ({p.triples} triples)", err=True))
    click.echo(f"pushed {len(done)} graph{'s' if len(done) != 1 else ''}, "
               f"{sum(p.triples for p in done)} triples to {endpoint}")


# ---------------------------------------------------------------- scale: synthetic corpus and benchmark


@main.command()
@click.option("--articles", type=int, help="How many articles to generate.")
@click.option("--triples", help="Or about how many asserted triples (e.g. 100k, 1m).")
@click.option("-o", "--output", "out", type=click.Path(file_okay=False), default="synth", show_default=True,
              help="Project folder to write (seeds/, with ontology/ and queries/ copied): OKG_ROOT=FOLDER okg build.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed and size, same bytes.")
def synth(articles, triples, out, seed) -> None:
    """Generate realistic synthetic articles and fact sheets (for scale tests and okg bench)."""
    from .synth import articles_for, parse_size, synth as run_synth

    if bool(articles) == bool(triples):
        raise OkgError("okg synth", "give --articles N or --triples N (one of them)")
    if triples:
        articles = articles_for(parse_size(triples))
    result = run_synth(out, articles, seed=seed, progress=sys.stderr.isatty())
    click.echo(f"wrote {result.articles} articles ({result.facts} facts) to {Path(out) / 'seeds'} "
               f"(build: OKG_ROOT={out} okg build)")


@main.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args) -> None:
    """Run benchmarks/bench.py: okg's fast path vs rdflib+owlrl+pyshacl at 10k, 100k, 1M triples.

    \b
    okg bench                       # writes benchmarks/results/<date>.json and .md
    okg bench --sizes 10k --baseline-max 10k
    okg bench --help                # the runner's options
    """
    import importlib.util

    path = find_root() / "benchmarks" / "bench.py"
    if not path.is_file():
        raise OkgError(str(path), "benchmark runner not found", "run okg bench from an okg checkout")
    spec = importlib.util.spec_from_file_location("okg_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.exit(module.main(list(args)))
