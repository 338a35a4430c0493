"""The `conflictwire` command: one front for the local search engine, the indexer, the API and benchmarks.

Each subcommand's implementation lives in the module that owns it; this file only declares arguments
and imports lazily, so `conflictwire es status` does not pay for loading gazetteers.
"""

from __future__ import annotations

import argparse
import sys


def _add_es(sub: argparse._SubParsersAction) -> None:
    es = sub.add_parser("es", help="run a local Elasticsearch node from Maven Central artifacts")
    es_sub = es.add_subparsers(dest="es_command", required=True)
    start = es_sub.add_parser("start", help="start the local node(s) in the background and wait for yellow")
    start.add_argument("--nodes", type=int, default=1, help="number of nodes in the one JVM (default 1)")
    start.add_argument("--port", type=int, default=9200, help="HTTP port of the first node (default 9200)")
    start.add_argument("--heap", default="1g", help="JVM heap, e.g. 512m, 1g (default 1g)")
    start.add_argument("--data", default=None, help="data and log folder (default .data/es)")
    start.add_argument(
        "--timeout", type=float, default=180.0, help="seconds to wait for yellow (default 180)"
    )
    stop = es_sub.add_parser("stop", help="stop the local node cleanly")
    stop.add_argument("--data", default=None, help="data folder the node was started with")
    status = es_sub.add_parser("status", help="print version, nodes and health")
    status.add_argument("--data", default=None, help="data folder the node was started with")
    es_sub.add_parser("resolve", help="download the node's Maven artifacts (no start)")


def _add_index(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("index", help="parse, extract and load articles into Elasticsearch")
    p.add_argument("paths", nargs="*", default=[], help="files, folders, globs, or - for stdin")
    p.add_argument("--source", help="source name for records that have none")
    p.add_argument("--published", help="publication date (ISO) for records that have none")
    p.add_argument("--rebuild", action="store_true", help="rebuild into a new index and swap the alias")
    p.add_argument("--dry-run", action="store_true", help="parse and extract but write nothing")
    p.add_argument("--dead-letter", help="where rejected records go (default .data/dead-letter.jsonl)")
    p.add_argument("--chunk-size", type=int, default=500, help="documents per bulk request (default 500)")
    p.add_argument("--workers", type=int, default=None, help="extraction processes (default: one per CPU)")


def _add_extract(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="extract entities and events; write one JSON object per article")
    p.add_argument("--input", default="-", help="JSONL or article file (default stdin)")
    p.add_argument("--output", default="-", help="JSONL output (default stdout)")


def _add_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the API with gunicorn")
    p.add_argument("--bind", default="127.0.0.1:8000")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--daemon", action="store_true", help="run in the background (pid in .data/api.pid)")
    p.add_argument("--stop", action="store_true", help="stop a server started with --daemon")


def _add_generate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generate", help="write a synthetic conflict-news corpus with its ground truth")
    p.add_argument("--articles", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True, help="folder for articles.jsonl and truth.jsonl")
    p.add_argument("--first", type=int, default=0, help="number of the first article (for shards; default 0)")


def _add_bench(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="benchmarks, each against a baseline measured in the same run")
    p.add_argument("what", choices=["ingest", "query", "extract", "all"])
    p.add_argument("--articles", type=int, default=2000)
    p.add_argument("--out", default=".data/bench")
    p.add_argument(
        "--prefix", help="query: use indices already loaded under this prefix instead of indexing a corpus"
    )
    p.add_argument(
        "--input",
        help="extract: time these JSONL articles (cycled up to --articles) instead of a generated corpus, "
        "e.g. ../shared/eval/dev/voa.input.jsonl for real ~600-word articles",
    )
    p.add_argument(
        "--prime",
        action="append",
        metavar="FILE",
        help="extract: extract these JSONL articles first, untimed, as a running indexer has met other "
        "articles before (repeatable; refused if they share text with the timed articles)",
    )
    p.add_argument(
        "--fork-rounds",
        type=int,
        default=0,
        metavar="N",
        help="extract --input: also time the first round over the articles N times, each in a process "
        "forked after warm-up and priming that meets them for the first time (median and spread)",
    )
    p.add_argument(
        "--fresh-rounds",
        type=int,
        default=0,
        metavar="N",
        help="extract --input: also time the first round over the articles N times, each in a new "
        "interpreter warmed up and primed the same way, which pays no copy-on-write after a fork",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="conflictwire", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_es, _add_index, _add_extract, _add_serve, _add_generate, _add_bench):
        add(sub)
    openapi = sub.add_parser("openapi", help="write the OpenAPI spec generated from the code")
    openapi.add_argument("--output", default="openapi.yaml")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "es":
        from indexer import local_es

        return local_es.main(args)
    if args.command == "index":
        from indexer import loader

        return loader.main(args)
    if args.command == "extract":
        from indexer import extract

        return extract.main(args)
    if args.command == "serve":
        from api import serve

        return serve.main(args)
    if args.command == "generate":
        from indexer import generate

        return generate.main(args)
    if args.command == "bench":
        from indexer import bench

        return bench.main(args)
    if args.command == "openapi":
        from api import spec

        return spec.main(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
