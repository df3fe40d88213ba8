"""The floor for ``webhook_throughput.py``: a Flask app that answers ``POST /sms/twilio`` with a constant TwiML
string, served by the same gunicorn settings. Whatever the real webhook costs beyond this is ours (signature
check, form parsing, lookup, rendering, metrics); what this costs is Flask, gunicorn and the socket.

    .venv/bin/gunicorn --workers 2 --bind 127.0.0.1:8001 'benchmarks.bare_app:create_app()'
"""

from __future__ import annotations

from flask import Flask, Response

TWIML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Message action="http://127.0.0.1/sms/twilio/status" '
         'method="POST">Pho Hoa\nDia chi: 211 Le Duan, Hai Chau\nGiay chung nhan ATTP: CON HIEU LUC</Message>'
         "</Response>")


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz() -> Response:
        return Response('{"status": "ok"}', mimetype="application/json")

    @app.post("/sms/twilio")
    def inbound() -> Response:
        return Response(TWIML, mimetype="text/xml")

    return app
