"""Shared tools: a production-like server (gunicorn) on a scratch data folder, a keep-alive load
generator, and medians. The same client measures our route and its baseline, so ratios are fair.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask_cli(*args: str, env: dict) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    return result.stdout


@dataclass
class Server:
    port: int
    data_dir: Path
    env: dict
    process: subprocess.Popen | None = None
    base: str = field(init=False)

    def __post_init__(self) -> None:
        self.base = f"http://127.0.0.1:{self.port}"


@contextmanager
def running_server(*, workers: int = 1, threads: int = 1, extra_env: dict | None = None):
    """gunicorn with `workers` sync workers (threads=1) on a seeded scratch LMS_DATA_DIR."""
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        env = {**os.environ, "LMS_DATA_DIR": tmp, "LMS_BENCH_ROUTES": "1", **(extra_env or {})}
        env.pop("LMS_DATABASE_URL", None)
        flask_cli("lms", "seed-demo", env=env)
        port = free_port()
        worker_class = ["--threads", str(threads)] if threads > 1 else ["--worker-class", "sync"]
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             *worker_class, "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env)
        server = Server(port, Path(tmp), env, process)
        try:
            _wait_until_up(port)
            yield server
        finally:
            process.terminate()
            process.wait(timeout=20)


def _wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def login(port: int, username: str, password: str = "demo2026") -> str:
    """Log in through the real form (CSRF included); return the Cookie header value."""
    import re

    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = _cookies(response)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    body = f"username={username}&password={password}"
    if token:
        body += f"&csrf_token={token.group(1)}"
    conn.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    conn.close()
    return _cookies(response) or cookie


def _cookies(response) -> str:
    parts = [h.split(";", 1)[0] for k, h in response.getheaders() if k.lower() == "set-cookie"]
    return "; ".join(parts)


def load(port: int, requests, *, concurrency: int = 8, duration: float = 5.0) -> float:
    """Requests per second: `concurrency` keep-alive clients, each sending `requests(i)` =
    (method, path, body, headers) in a loop for `duration` seconds. Errors fail the bench."""
    counts = [0] * concurrency
    errors: list[str] = []
    stop = time.monotonic() + duration

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        while time.monotonic() < stop:
            method, path, body, headers = requests(index, n)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                errors.append(f"{response.status} on {path}")
                break
            n += 1
        counts[index] = n
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"load errors: {errors[:3]}")
    return sum(counts) / (time.monotonic() - started)


def median_ms(func, repeat: int = 15) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def dumps(data) -> str:
    return json.dumps(data, separators=(",", ":"))
