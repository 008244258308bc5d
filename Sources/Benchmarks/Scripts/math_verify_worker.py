"""aepo math-verify worker.

A long-lived process driven by the Swift `MathVerifyWorker` actor. It first
prints one handshake line, then answers one JSON line per request line:

    <- {"ready": true, "version": "0.9.0"}      (or {"ready": false, "error": "..."} and exit 3)
    -> {"id": 1, "gold": "x^2+2x+1", "prediction": "(x+1)^2"}
    <- {"id": 1, "equal": true}

Answers are compared with Hugging Face math-verify: `verify(parse(gold),
parse(prediction))`. Text without `$` or `\\boxed` is wrapped in `$...$` so
that LaTeX is extracted. A request that cannot be handled answers
`{"id": ..., "equal": false, "error": "..."}`; the process never exits on a
bad request. Timeouts are enforced by the Swift side, which kills and
restarts this process.
"""

import json
import sys


def as_latex(text):
    """Wraps bare text in $...$ so math-verify's LaTeX extraction sees it."""
    if "$" in text or "\\boxed" in text:
        return text
    return "$" + text + "$"


def main():
    try:
        from importlib.metadata import version
        from math_verify import parse, verify
    except Exception as exc:  # ImportError, or a broken install
        print(json.dumps({"ready": False, "error": "cannot import math_verify: %s" % exc}), flush=True)
        return 3
    try:
        found = version("math-verify")
    except Exception:
        found = "unknown"
    print(json.dumps({"ready": True, "version": found}), flush=True)

    for raw in sys.stdin:
        raw = raw.strip()
        if not raw:
            continue
        request_id = None
        try:
            request = json.loads(raw)
            request_id = request.get("id")
            gold = parse(as_latex(str(request["gold"])))
            prediction = parse(as_latex(str(request["prediction"])))
            reply = {"id": request_id, "equal": bool(verify(gold, prediction))}
        except Exception as exc:
            reply = {"id": request_id, "equal": False, "error": str(exc)}
        print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
