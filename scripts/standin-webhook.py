#!/usr/bin/env python3
"""The Kubernetes stand-in's one admission webhook: it refuses a Service with
`spec.externalIPs` (CVE-2020-8554: any user who may create Services could intercept
traffic to any IP). Kubernetes 1.21+ has an admission plugin for this,
DenyServiceExternalIPs; the stand-in runs 1.20, which has none.

    standin-webhook.py PORT CERT KEY

scripts/k8s-standin.sh starts it on 127.0.0.1 with a certificate from the stand-in's CA,
and registers it with a ValidatingWebhookConfiguration for Services (create and update).
It reads an AdmissionReview (admission.k8s.io/v1) and answers one, nothing else.
"""

import json
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

PATH = "/deny-external-ips"
MAX_BODY = 1 << 20  # an AdmissionReview of one Service is a few KiB


def review(request: dict) -> dict:
    """The AdmissionReview response for one request: allowed unless the Service has externalIPs."""
    spec = (request.get("object") or {}).get("spec") or {}
    external = spec.get("externalIPs") or []
    response = {"uid": request.get("uid", ""), "allowed": not external}
    if external:
        response["status"] = {
            "code": 403,
            "message": "spec.externalIPs is not allowed on this cluster "
            "(CVE-2020-8554; the stand-in's DenyServiceExternalIPs)",
        }
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": response}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        length = int(self.headers.get("Content-Length") or 0)
        path = urlsplit(self.path).path  # the API server adds ?timeout=5s
        if path != PATH or not 0 < length <= MAX_BODY:
            self.send_error(404 if path != PATH else 413)
            return
        try:
            answer = review(json.loads(self.rfile.read(length))["request"])
        except (ValueError, KeyError, TypeError):
            self.send_error(400, "not an AdmissionReview")
            return
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # one line per review, in the stand-in's log
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def main() -> None:
    port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
