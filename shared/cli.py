"""The ``complaintdesk`` command: run the whole system (``up``), one service, or the classifier tools.

Logging is configured here, in the entry point, and nowhere at import. Settings are read and
validated once; a bad one stops the command with the variable's name before anything starts.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from shared import logs
from shared.settings import ConfigError, Settings, documentation_table, load

DEFAULT_NATS = "nats://127.0.0.1:4222"


def _service(name: str):
    if name == "intake":
        from services.intake.service import serve
    elif name == "classifier":
        from services.classifier.service import serve
    else:
        from services.tracker.service import serve
    return serve


async def _run_service(name: str, settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await _service(name)(settings, stop, settings.nats_url or DEFAULT_NATS)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("classify", "evaluate"):
        # The classifier tools parse their own options (and --help).
        from services.classifier import evaluate
        return (evaluate.classify_main if argv[0] == "classify" else evaluate.evaluate_main)(argv[1:])
    if argv and argv[0] == "train-model":
        from services.classifier import training
        return training.train_main(argv[1:])
    parser = argparse.ArgumentParser(prog="complaintdesk", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="run the whole system on its embedded defaults (NATS, SQLite, mail sandbox)")
    for name in ("intake", "classifier", "tracker"):
        sub.add_parser(name, help=f"run the {name} service alone")
    sub.add_parser("settings", help="print the table of settings")
    sub.add_parser("classify", help="label a JSONL file of messages (see: complaintdesk classify --help)")
    sub.add_parser("evaluate", help="score the labels of a labeled JSONL file (see: complaintdesk evaluate --help)")
    sub.add_parser("train-model", help="train the classifier's text model from labeled JSONL files (needs the train extra)")
    args = parser.parse_args(argv)

    if args.command == "settings":
        print(documentation_table())
        return 0
    try:
        settings = load()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    logs.configure(args.command if args.command != "up" else "up", settings.log_level, settings.log_format)
    if args.command == "up":
        from shared.up import up
        return up(settings)
    asyncio.run(_run_service(args.command, settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
