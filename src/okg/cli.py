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


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Lowest severity that makes the exit code 1.")
def validate(file: str | None, fmt: str, fail_on: str) -> None:
    """Check the graph (or FILE) with SHACL shapes and QC queries. Exit 0 conforms, 1 violations."""
    from .kg import load

    report = load(file).validate()
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
@click.option("-e", "--expr", help="Inline SPARQL instead of a stored query.")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Bind a parameter declared in the query header.")
@click.option("--format", "fmt", help="table, csv, tsv, json, xml (SELECT/ASK); ttl, nt, jsonld, xml... (CONSTRUCT).")
@click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False),
              help="Query this RDF file instead of the built graph (format from the extension).")
@click.option("--endpoint", help="Send the query to a remote SPARQL 1.1 endpoint.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for an endpoint.")
@click.option("--with-inferred/--no-inferred", default=True, show_default=True,
              help="Include the triples OWL RL inferred.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file (format from its extension).")
def query_cmd(name, expr, params, fmt, data, endpoint, timeout, with_inferred, output) -> None:
    """Run a stored query by NAME, a FILE.rq, or -e 'SPARQL'."""
    from .kg import load

    if bool(name) == bool(expr):
        raise OkgError("", "give a query NAME (or FILE.rq) or -e 'SPARQL', not both" if name else
                       "no query given", "try: okg queries")
    kg = load(list(data) or None, with_inferred=with_inferred, endpoint=endpoint, timeout=timeout)
    stored = q.from_text(expr, "inline") if expr else kg.resolve(name)
    result = kg.run(stored, dict(params))
    if output and not fmt:
        fmt = Path(output).suffix.lstrip(".")
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        from .store import format_of, turtle

        graph = q.graph_result(result)
        key = format_of(output, fmt if fmt not in (None, "table") else "ttl")
        text = turtle(graph) if key == "ttl" else graph.serialize(format=q_graph_format(key))
    else:
        fmt = fmt or ("table" if sys.stdout.isatty() else "csv")
        if fmt not in q.SELECT_FORMATS:
            raise OkgError("", f"unknown result format {fmt!r}", f"one of: {', '.join(q.SELECT_FORMATS)}")
        text = q.format_result(result, fmt)
    _emit(text, output)


def q_graph_format(key: str) -> str:
    from .store import GRAPH_FORMATS

    return GRAPH_FORMATS[key]


@main.command("queries")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table", show_default=True)
def queries_cmd(fmt: str) -> None:
    """List the stored queries with their summary and parameters."""
    from .docs import queries_json, queries_markdown, queries_table
    from .kg import KG
    from .store import data_dir

    stored = q.stored_queries(data_dir(find_root(), "queries"))
    click.echo({"table": queries_table, "markdown": queries_markdown, "json": queries_json}[fmt](stored), nl=False)


@main.command()
@click.option("--format", "fmt", help="ttl (default), nt, nq, trig, jsonld, xml; else from -o's extension.")
@click.option("--with-inferred", is_flag=True, help="Add the triples OWL RL inferred.")
@click.option("--with-ontology", is_flag=True, help="Add the ontology.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (atomically).")
def export(fmt, with_inferred, with_ontology, output) -> None:
    """Serialise the graph (asserted facts; add --with-inferred, --with-ontology)."""
    from .kg import load

    text = load().export(output, fmt, with_inferred, with_ontology)
    if not output:
        click.echo(text, nl=False)


@main.command()
@click.option("--format", "fmt", type=click.Choice(q.SELECT_FORMATS), default=None)
def stats(fmt: str | None) -> None:
    """Count facts per class and article."""
    from .kg import load

    kg = load()
    result = kg.run("stats")
    click.echo(q.format_result(result, fmt or ("table" if sys.stdout.isatty() else "csv")), nl=False)
