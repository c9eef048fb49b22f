"""The command line: argv -> exit code (``hengyang-map``, or ``python build_map.py``).

    hengyang-map [build] [--geo DIR] [--out DIR] [--phase ID ...] [--lang zh|en|both]
    hengyang-map check [--geo DIR]
    hengyang-map export --format html|png|pdf|handout|gpkg|geojson|kml [--phase ID ...] [--out DIR] [--lang zh|en|both]
    hengyang-map export --format mp4|webm|gif [--size WxH] [--seconds-per-day S] [--fps N] [--lang ...]

Exit codes: 0 ok; 1 the data is invalid (every problem is listed); 2 the command line is
wrong; 3 the pages could not be written (the previous output is unchanged); 4 an internal
error (rerun with --debug for the traceback); 5 a program the export needs (Chromium, ffmpeg) is
missing; 130 interrupted (SIGINT or SIGTERM; the
previous output is unchanged).

This module only parses arguments and maps outcomes to exit codes: it imports the
``layers`` package lazily so that ``--help`` and usage errors stay instant.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from .contract import Language

COMMANDS = ("build", "check", "export", "import", "serve")
#: The site's opening language: chosen, or the reader's browser language (layers.site.build).
OPENING_LANG = "language the pages open in (default: the reader's, if Chinese or English; else zh)"


EXIT_OK, EXIT_USAGE, EXIT_INTERNAL = 0, 2, 4  # the data (1) and output (3) codes come with their errors


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hengyang-map",
        description="Turn sourced GeoJSON of a battle into offline, bilingual, interactive HTML maps.",
        epilog="Exit codes: 0 ok, 1 data error, 2 usage error, 3 output not written, 4 internal error, "
        "5 Chromium or ffmpeg missing (PNG/PDF/film export), 130 interrupted.",
    )
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"hengyang-map {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}")

    build = commands.add_parser("build", help="validate the data and write the pages (default)")
    _add_geo(build)
    build.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: ./output)")
    build.add_argument("--phase", nargs="+", metavar="ID", help="build only these phases")
    build.add_argument("--lang", choices=Language.CODES, help=OPENING_LANG)

    check = commands.add_parser("check", help="validate the data and report; writes nothing")
    _add_geo(check)

    export = commands.add_parser("export", help="single-file HTML, PNG/PDF for print, GIS data, or a film")
    _add_geo(export)
    export.add_argument(
        "--format",
        required=True,
        choices=("html", "png", "pdf", "handout", "gpkg", "geojson", "kml", "kmz", "mp4", "webm", "gif"),
    )
    export.add_argument("--out", type=Path, help="output folder (default: ./exports/<format>/)")
    export.add_argument("--phase", nargs="+", metavar="ID", help="export only these phases")
    export.add_argument("--lang", choices=Language.CODES, default=Language.DEFAULT, help="language of the pages")
    export.add_argument("--paper", choices=("a4", "a3", "letter"), default="a4", help="PNG/PDF/handout size, landscape")
    export.add_argument("--size", type=_size, default=(1920, 1080), metavar="WxH", help="film frame size (1920x1080)")
    export.add_argument("--seconds-per-day", type=_seconds, default=1.0, help="film: seconds each day is shown (1)")
    export.add_argument("--fps", type=int, choices=range(1, 61), default=10, metavar="N", help="film: frames/s (10)")
    live = commands.add_parser("serve", help="live preview on 127.0.0.1: rebuild on every save, reload the page")
    _add_geo(live)
    live.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: ./output)")
    live.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0: any free port)")
    live.add_argument("--lang", choices=Language.CODES, help=OPENING_LANG)

    edit = commands.add_parser("import", help="bring a layer edited in QGIS (GPKG/GeoJSON from export) back into geo/")
    edit.add_argument("--geo", type=Path, help="data folder to edit (default: ./geo; never the bundled copy)")
    edit.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    edit.add_argument("file", type=Path, help="the edited .gpkg or .geojson")
    edit.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    return parser


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit() and 16 <= int(width) <= 7680 and 16 <= int(height) <= 4320):
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT in pixels, such as 1920x1080, not {text!r}")
    return int(width), int(height)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.05 <= value <= 60:
        raise argparse.ArgumentTypeError(f"expected seconds between 0.05 and 60, not {text!r}")
    return value


def _add_geo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--geo", type=Path, help="data folder (default: the battle shipped with the tool)")
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in args_list if a != "--debug"), None)
    if first not in (*COMMANDS, "-h", "--help", "--version"):
        args_list.insert(args_list.index(first) if first else len(args_list), "build")  # the default command
    parser = _parser()
    args = parser.parse_args(args_list)
    # SIGINT too: a shell starts a background job with SIGINT ignored, and Python then installs
    # no KeyboardInterrupt for it; both signals stop the same clean way. The caller's handlers
    # are put back on return (main runs inside other programs, and tests).
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _main(args, parser)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _main(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        code = _run(args, parser)
        sys.stdout.flush()  # inside the try: a reader that went away is seen here
        return code
    except BrokenPipeError:
        # `check | head -1`: the reader has what it wanted; say nothing more, and make sure
        # the interpreter's last flush of stdout has nowhere to fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("hengyang-map: interrupted; the previous output is unchanged", file=sys.stderr)
        return 130
    except Exception as err:
        from .errors import BattleMapError

        if isinstance(err, BattleMapError):
            print(f"hengyang-map: {err}", file=sys.stderr)
            return err.exit_code
        if args.debug:
            raise
        from .errors import inert

        print(
            f"hengyang-map: internal error: {type(err).__name__}: {inert(str(err))} (rerun with --debug)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _import(args: argparse.Namespace) -> int:
    from .embedded import edited_folder
    from .errors import inert, shorten
    from .tools import edits

    geo = edited_folder(args.geo)
    if geo is None:
        print(
            "hengyang-map: import: no ./geo data folder here; name the folder to edit with --geo DIR",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if not args.file.is_file():
        print(f"hengyang-map: {inert(str(args.file))}: no such file", file=sys.stderr)
        return EXIT_USAGE
    result = edits.plan(geo, args.file) if args.dry_run else edits.apply(geo, args.file)
    for change in result.changes:
        # a value as text, one line, at most 80 characters: a dry run never floods the terminal
        old, new = (shorten(str(v), 82)[1:-1] for v in (change.old, change.new))
        print(f"{inert(change.file)}: feature '{inert(change.feature)}': {change.field}: {old} → {new}")
    if not result.files:
        print("nothing changed")
    else:
        verb = "would write" if args.dry_run else "wrote"
        print(
            f"{verb} {len(result.files)} file{'s' if len(result.files) != 1 else ''}: {', '.join(sorted(result.files))}"
        )
    return EXIT_OK


def _interrupt(signum: int, frame: object) -> None:
    """Turn SIGINT and SIGTERM into one clean stop: the staging folder is removed."""
    raise KeyboardInterrupt


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .data.load import load_battle
    from .embedded import data_folder
    from .errors import inert

    if args.command == "import":
        return _import(args)
    args.geo = data_folder(args.geo)
    if args.command == "serve":
        from .tools.serve import serve

        if not 0 <= args.port <= 65535:
            parser.error(f"--port {args.port}: expected 0..65535")
        return serve(args.geo, args.out, args.port, args.lang)
    battle = load_battle(args.geo)
    if args.command == "check":
        print(
            f"{inert(str(args.geo))}: ok — {len(battle.phases)} phases, {len(battle.features)} features, "
            f"{len(battle.sources)} sources"
        )
        from .data.lint import report

        print(report(battle).text())
        return EXIT_OK

    known = [p.id for p in battle.phases]
    unknown = [p for p in args.phase or () if p not in known]
    if unknown:
        parser.error(f"unknown phase {inert(', '.join(unknown))}; the phases are: {', '.join(known)}")

    if args.command == "export":
        from .memory import collector_paused

        with collector_paused():  # as site.build: no full collection walks the loaded battle
            from .exports.dispatch import export

        out = args.out or Path("exports") / args.format
        from .exports.film import FilmOptions

        film = FilmOptions(args.size, args.seconds_per_day, args.fps)
        names = export(battle, args.format, out, args.phase, args.lang, args.paper, sys.stderr.isatty(), film=film)
        print(f"wrote {len(names)} file{'s' if len(names) != 1 else ''} to {inert(str(out))}")
        return EXIT_OK

    from .site import build

    out = build(battle, args.out, args.phase, args.lang)
    pages = len(args.phase or known)
    print(f"wrote {pages} phase page{'s' if pages != 1 else ''} and the atlas to {inert(str(out))}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
