"""The engine command of scripts/bench-engine-start: starts
`aepo serve-model MODEL_DIR` on a port of its own and forwards
{port} to it, writing the wall-clock time of the first model call
(POST /v1/completions or /v1/chat/completions) to $BENCH_FIRST_CALL.
Health checks are forwarded too, so the replica is healthy exactly when
the engine behind it is.

    timing_proxy.py PORT AEPO_BINARY MODEL_DIR MODEL_NAME [HOST]

HOST (default 127.0.0.1) is where the proxy listens: 0.0.0.0 on Ray,
where aepo calls the replica at its node's address.
"""
import http.server, os, socket, subprocess, sys, threading, time, urllib.error, urllib.request

port, binary, model_dir, model = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
host = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.1"
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    inner = probe.getsockname()[1]
engine = subprocess.Popen([binary, "serve-model", model_dir, "--port", str(inner), "--name", model,
                           "--threads", "1", "--log-level", "warning"])
marked = threading.Lock()
first = [False]


class Proxy(http.server.BaseHTTPRequestHandler):
    def forward(self, body=None):
        if body is not None and self.path.startswith("/v1/") and self.path.endswith("completions"):
            with marked:
                if not first[0]:
                    first[0] = True
                    with open(os.environ["BENCH_FIRST_CALL"], "w") as mark:
                        mark.write(repr(time.time()))
        request = urllib.request.Request(f"http://127.0.0.1:{inner}{self.path}", data=body, method=self.command,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=600) as answer:
                status, data = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, data = error.code, error.read()
        except OSError:
            status, data = 502, b'{"error":"engine not up"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.forward()

    def do_POST(self):
        self.forward(self.rfile.read(int(self.headers.get("Content-Length", 0))))

    def log_message(self, *args):
        pass


try:
    http.server.ThreadingHTTPServer((host, port), Proxy).serve_forever()
finally:
    engine.kill()
