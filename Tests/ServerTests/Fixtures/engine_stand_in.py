"""A stand-in engine for engine-profile tests: prints the GPUs it was given
(CUDA_VISIBLE_DEVICES) to its log, then serves GET /v1/models and /version
on the port given as its first argument, as vLLM does."""
import http.server
import json
import os
import sys

print("CUDA_VISIBLE_DEVICES=" + os.environ.get("CUDA_VISIBLE_DEVICES", "<unset>"), flush=True)
print("AEPO_ADMIN_TOKEN=" + os.environ.get("AEPO_ADMIN_TOKEN", "<unset>"), flush=True)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/v1/models":
            body = {"object": "list", "data": [{"id": "stand-in", "max_model_len": 4096}]}
        elif self.path == "/version":
            body = {"version": "stand-in 1.0"}
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
