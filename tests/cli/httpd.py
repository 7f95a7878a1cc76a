#!/usr/bin/env python3
"""Tiny HTTP/1.1 file server for the dfu-sim tests (stdlib only).

    python3 tests/cli/httpd.py --root DIR --port-file F
        [--drop-after N] [--drop-once] [--drop-mode fin|rst]
        [--no-range] [--log F]

Binds 127.0.0.1 on a free port and writes the port number to F (written
to F.tmp, then renamed, so a reader never sees a partial number). Serves
the files under DIR with GET and HEAD, keep-alive, threaded.

Range: "bytes=a-", "bytes=a-b" and "bytes=-n" get 206 with Content-Range
and Content-Length; a >= size gets 416 with "Content-Range: bytes */size".
Other Range forms (several ranges, bad syntax) are ignored: 200, whole
file. --no-range ignores Range altogether (200, whole file).

--drop-after N: a response whose body spans file offset N (starts before
N, ends after it) sends the file's bytes up to N only, then cuts the
connection; a request starting at or past N is served in full. --drop-mode fin
(default) shuts the connection down cleanly after exactly those bytes (the
client sees the body end short of Content-Length); rst resets it
(SO_LINGER 0), which may also discard bytes not yet on the wire.
--drop-once: only the first response that reaches N is cut.

--log F: appends one line per request:
    GET /path range=<Range header or -> status=<code> sent=<body bytes>

Exits on SIGTERM or SIGINT. SPDX-License-Identifier: Apache-2.0
"""

import argparse
import http.server
import os
import re
import signal
import socket
import struct
import sys
import threading
import urllib.parse

CHUNK = 64 * 1024


class State:
    def __init__(self, args):
        self.root = os.path.realpath(args.root)
        self.drop_after = args.drop_after
        self.drop_once = args.drop_once
        self.drop_mode = args.drop_mode
        self.no_range = args.no_range
        self.log_path = args.log
        self.lock = threading.Lock()
        self.dropped = False

    def should_drop(self, first, end):
        """Bytes [first, end) are to be sent: where to cut, or None."""
        with self.lock:
            if self.drop_after is None or (self.drop_once and self.dropped):
                return None
            if first < self.drop_after < end:
                self.dropped = True
                return self.drop_after
            return None

    def log(self, line):
        if not self.log_path:
            return
        with self.lock:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(line + "\n")


def parse_range(value, size):
    """(first, end) for one byte range, "416", or None to ignore it."""
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", value)
    if not m or (m.group(1) == "" and m.group(2) == ""):
        return None
    if m.group(1) == "":  # suffix: the last n bytes
        n = int(m.group(2))
        if n == 0:
            return "416"
        return (max(0, size - n), size)
    first = int(m.group(1))
    if m.group(2) != "":
        last = int(m.group(2))
        if last < first:
            return None
        end = min(last + 1, size)
    else:
        end = size
    if first >= size:
        return "416"
    return (first, end)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "dfu-sim-test-httpd"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 (stdlib signature)
        pass

    def do_GET(self):
        self.serve(body=True)

    def do_HEAD(self):
        self.serve(body=False)

    def file_path(self):
        st = self.server.state
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        full = os.path.realpath(os.path.join(st.root, path.lstrip("/")))
        if full != st.root and not full.startswith(st.root + os.sep):
            return None
        return full if os.path.isfile(full) else None

    def finish_log(self, status, sent):
        rng = self.headers.get("Range") or "-"
        self.server.state.log(
            f"{self.command} {self.path} range={rng} status={status} sent={sent}")

    def send_simple(self, status, extra=None):
        self.send_response(status)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.finish_log(status, 0)

    def serve(self, body):
        st = self.server.state
        path = self.file_path()
        if path is None:
            self.send_simple(404)
            return
        size = os.path.getsize(path)
        first, end, status = 0, size, 200
        rng = self.headers.get("Range")
        if rng is not None and not st.no_range:
            r = parse_range(rng, size)
            if r == "416":
                self.send_simple(416, {"Content-Range": f"bytes */{size}"})
                return
            if r is not None:
                first, end = r
                status = 206
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "none" if st.no_range else "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {first}-{end - 1}/{size}")
        self.send_header("Content-Length", str(end - first))
        self.end_headers()
        if not body:
            self.finish_log(status, 0)
            return
        cut = st.should_drop(first, end)
        stop = cut if cut is not None else end
        sent = 0
        try:
            with open(path, "rb") as f:
                f.seek(first)
                pos = first
                while pos < stop:
                    data = f.read(min(CHUNK, stop - pos))
                    if not data:
                        break
                    self.wfile.write(data)
                    pos += len(data)
                    sent += len(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            self.finish_log(status, sent)
            return
        self.finish_log(status, sent)
        if cut is not None:
            self.drop(st.drop_mode)

    def drop(self, mode):
        self.close_connection = True
        sock = self.connection
        try:
            if mode == "rst":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.server.mark_rst(sock)
            else:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client that closes early (it had what it needed) is normal here.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, BrokenPipeError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.rst_lock = threading.Lock()
        self.rst_socks = set()

    def mark_rst(self, sock):
        with self.rst_lock:
            self.rst_socks.add(sock)

    def shutdown_request(self, request):
        with self.rst_lock:
            rst = request in self.rst_socks
            self.rst_socks.discard(request)
        if rst:
            self.close_request(request)  # no FIN first: close resets
        else:
            super().shutdown_request(request)


def main():
    ap = argparse.ArgumentParser(description="test HTTP server for dfu-sim")
    ap.add_argument("--root", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--drop-after", type=int)
    ap.add_argument("--drop-once", action="store_true")
    ap.add_argument("--drop-mode", choices=("fin", "rst"), default="fin")
    ap.add_argument("--no-range", action="store_true")
    ap.add_argument("--log")
    args = ap.parse_args()
    if args.drop_after is not None and args.drop_after < 0:
        ap.error("--drop-after must be >= 0")

    srv = Server(("127.0.0.1", 0), Handler)
    srv.state = State(args)

    def stop(_signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{srv.server_address[1]}\n")
    os.replace(tmp, args.port_file)
    try:
        srv.serve_forever(poll_interval=0.2)
    except SystemExit:
        pass
    finally:
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
