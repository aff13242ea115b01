#!/usr/bin/env python3
"""Start moto's AWS server on 127.0.0.1 with EKS behaving as AWS documents it.

    launcher.py --port PORT [--plain] [--create-seconds S] [--update-seconds S]
                [--delete-seconds S] [--ready-file PATH] [--verbose]

`--port 0` picks a free port; the port actually bound is written to --ready-file
(atomically, once the socket listens) and printed as `ready on 127.0.0.1:PORT`.
`--plain` serves unmodified moto (the call counter and /_emulator/ endpoints stay,
they change no AWS behaviour). SIGTERM or SIGINT stops the server and exits 0.

Owns: command line, server start/stop, readiness signal. The EKS behaviour is in
eks_documented.py (and the modules it installs), the test controls in control.py (see README.md).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from importlib.metadata import version
from pathlib import Path

from werkzeug.serving import make_server

import control

HOST = "127.0.0.1"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="port to listen on; 0 picks a free one")
    parser.add_argument("--plain", action="store_true", help="serve unmodified moto")
    parser.add_argument("--create-seconds", type=float, default=2.0, help="CREATING -> ACTIVE")
    parser.add_argument("--update-seconds", type=float, default=2.0, help="update InProgress -> Successful")
    parser.add_argument("--delete-seconds", type=float, default=1.0, help="DELETING -> gone")
    parser.add_argument("--ready-file", type=Path, help="write the bound port here once listening")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser.parse_args(argv)


def build_app(args: argparse.Namespace) -> control.ControlApp:
    # moto.server imports Flask and every backend's URL table: import it only
    # after deciding on the patches, which must be in place before the first request.
    from moto.moto_api._internal.models import moto_api_backend
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    timings = {"create": args.create_seconds, "update": args.update_seconds, "delete": args.delete_seconds}
    if not args.plain:
        import atomic_writes
        import ec2_addresses
        import ec2_endpoints
        import ec2_nat
        import ec2_rules
        import eks_documented
        import eks_lifecycle
        import iam_oidc

        eks_documented.install(eks_lifecycle.Timings(**timings))
        ec2_rules.install()
        ec2_addresses.install()
        ec2_nat.install()
        ec2_endpoints.install()
        iam_oidc.install()
        atomic_writes.install()
        # Every AWS account has the AWS managed policies (AmazonEKSClusterPolicy, ...);
        # moto only attaches them when told to load them.
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    control.install_call_hook()
    settings = control.ControlSettings(
        mode="plain" if args.plain else "documented",
        moto_version=version("moto"),
        timings={} if args.plain else timings,
        reset_aws_state=moto_api_backend.reset,
    )
    return control.ControlApp(DomainDispatcherApplication(create_backend_app), settings)


def write_ready_file(path: Path, port: int) -> None:
    """Write atomically so a poller never reads a half-written port."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{port}\n")
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.WARNING)
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    try:
        server = make_server(HOST, args.port, build_app(args), threaded=True, request_handler=MotoRequestHandler)
    except OSError as err:
        print(f"error: cannot listen on {HOST}:{args.port}: {err}", file=sys.stderr)
        return 1
    port = server.server_port
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, name="moto", daemon=True)
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
