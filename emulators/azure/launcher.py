#!/usr/bin/env python3
"""Start the clusterform ARM emulator (AKS managedClusters + an Entra ID token endpoint) on 127.0.0.1.

    launcher.py --port PORT [--ready-file PATH] [--create-seconds S] [--update-seconds S]
                [--delete-seconds S] [--retry-after S] [--client-secret SECRET] [--verbose]

`--port 0` picks a free port; the port actually bound is written to --ready-file
(atomically, once the socket listens) and printed as `ready on 127.0.0.1:PORT`.
SIGTERM or SIGINT stops the server and exits 0. Python standard library only.

Owns: command line, server start/stop, readiness signal. Requests are handled in
server.py; see README.md for what is emulated and why.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

# The modules sit next to this file and import each other by plain name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from clusters import Timings  # noqa: E402
from server import App, EmulatorServer, Settings  # noqa: E402

HOST = "127.0.0.1"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="port to listen on; 0 picks a free one")
    parser.add_argument("--ready-file", type=Path, help="write the bound port here once listening")
    parser.add_argument("--create-seconds", type=float, default=2.0, help="Creating -> Succeeded")
    parser.add_argument("--update-seconds", type=float, default=1.0, help="Updating -> Succeeded")
    parser.add_argument("--delete-seconds", type=float, default=1.0, help="Deleting -> gone")
    parser.add_argument("--retry-after", type=int, default=1, help="seconds in Retry-After headers of async responses")
    parser.add_argument("--client-secret", default="emulator-secret", help="the only client secret the token endpoint accepts")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser.parse_args(argv)


def write_ready_file(path: Path, port: int) -> None:
    """Write atomically so a poller never reads a half-written port."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{port}\n")
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    settings = Settings(
        timings=Timings(create=args.create_seconds, update=args.update_seconds, delete=args.delete_seconds),
        retry_after=args.retry_after,
        client_secret=args.client_secret,
        verbose=args.verbose,
    )
    try:
        server = EmulatorServer((HOST, args.port), App(settings))
    except OSError as err:
        print(f"error: cannot listen on {HOST}:{args.port}: {err}", file=sys.stderr)
        return 1
    port = server.server_port
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, name="arm", daemon=True)
    thread.start()
    if args.ready_file:
        write_ready_file(args.ready_file, port)
    print(f"ready on {HOST}:{port}", flush=True)
    stop.wait()
    server.shutdown()
    thread.join(timeout=5)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
