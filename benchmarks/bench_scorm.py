"""SCORM: import of a ~100 MB package vs unzip, commits and content serving vs a bare route.

The server runs as production does (gunicorn), with ONE sync worker for the comparisons, so
ours and the bare route share the same process, client and connection handling.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from .harness import ROOT, dumps, load, login, running_server

PACKAGE_MB = 100
COMMIT_CLIENTS = 8
DURATION = 6.0
STUDENTS = ["hs.6a1.01", "hs.6a1.02", "hs.6a1.03", "hs.6a1.04", "hs.6a1.05",
            "hs.6a2.01", "hs.6a2.02", "hs.6a2.03"]


def build_package(path: Path) -> None:
    """A SCORM 1.2 package shaped like an authoring-tool export: pages, scripts and media.

    Media are random bytes (incompressible, like real mp4/jpg), so the zip is ~100 MB.
    """
    manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="bench" version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Bài giảng đo tốc độ</title>
    <item identifier="i1" identifierref="r1"><title>Bài 1</title></item>
  </organization></organizations>
  <resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html">
    <file href="index.html"/></resource></resources>
</manifest>"""
    rng = os.urandom
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("imsmanifest.xml", manifest)
        zf.writestr("index.html", "<html><body><h1>Phân số</h1><script src='js/app.js'></script>"
                    "</body></html>")
        zf.writestr("media/blob50k.bin", rng(50 * 1024))
        for i in range(300):
            zf.writestr(f"pages/page{i:03d}.html",
                        f"<html><body><p>Trang {i}: " + "nội dung bài học " * 200 + "</p></body></html>")
            zf.writestr(f"js/lib{i:03d}.js", "function f(){return 1;}\n" * 400)
        written = 0
        index = 0
        while written < PACKAGE_MB * 1024 * 1024:
            chunk = rng(2 * 1024 * 1024)
            zf.writestr(f"media/video{index:03d}.mp4", chunk, compress_type=zipfile.ZIP_STORED)
            written += len(chunk)
            index += 1


def timed(cmd: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed: {result.stdout[-400:]} {result.stderr[-800:]}")
    return elapsed, result.stdout + result.stderr


def approve_for_students(data_dir: Path, material_id: int) -> None:
    """Publish the material directly in the database so students may play it."""
    code = (
        "from lms import create_app\n"
        "from lms.extensions import db\n"
        "from lms.models import Material\n"
        "from lms.models.base import utcnow\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    m = db.session.get(Material, {material_id})\n"
        "    v = m.versions[-1]\n"
        "    v.status = m.status = 'approved'\n"
        "    m.live_version_id = v.id\n"
        "    m.approved_at = v.approved_at = utcnow()\n"
        "    db.session.commit()\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                   env={**os.environ, "LMS_DATA_DIR": str(data_dir)})


def player_config(port: int, cookie: str, material_id: int) -> dict:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", f"/scorm/play/{material_id}", headers={"Cookie": cookie})
    response = conn.getresponse()
    page = response.read().decode()
    conn.close()
    match = re.search(r'<script type="application/json" id="scorm-config">(.*?)</script>', page,
                      re.DOTALL)
    if not match:
        raise RuntimeError(f"player page without config (status {response.status})")
    return json.loads(match.group(1))


def run(report) -> None:
    with tempfile.TemporaryDirectory(prefix="lms-bench-scorm-") as tmp:
        package = Path(tmp) / "goi-bai-giang.zip"
        build_package(package)
        size_mb = package.stat().st_size / 1024 / 1024
        with running_server(workers=1) as server:
            env = server.env
            unzip_s, _ = timed(["unzip", "-q", "-o", str(package), "-d", str(Path(tmp) / "u")], env)
            import_s, output = timed(
                [sys.executable, "-m", "benchmarks.measured", "--app", "wsgi", "lms",
                 "import-package", str(package), "--department", "TOAN", "--author", "gv.toan"],
                env)
            peak_kb = int(re.findall(r"PEAK_RSS_KB (\d+)", output)[-1])
            material_id = int(re.findall(r"/m/(\d+)", output)[-1])
            report("scorm_import_s", import_s, "s", f"{size_mb:.0f} MB package, CLI import")
            report("scorm_unzip_s", unzip_s, "s", "unzip -q of the same file")
            report("scorm_import_vs_unzip", import_s / unzip_s, "x", "import time ÷ unzip time")
            report("scorm_import_peak_rss_mb", peak_kb / 1024, "MB", "whole flask process")

            approve_for_students(server.data_dir, material_id)
            targets = []
            for username in STUDENTS:
                cookie = login(server.port, username)
                config = player_config(server.port, cookie, material_id)
                item = next(i for i in config["items"] if i.get("commit"))
                targets.append((cookie, item))
            body_base = {"cmi": {"core": {"lesson_status": "incomplete", "lesson_location": "p3",
                                          "exit": "suspend", "session_time": "00:02:10.50",
                                          "score": {"raw": "80", "min": "0", "max": "100"}},
                                 "suspend_data": "x" * 1200}}

            def commit_request(index, n):
                cookie, item = targets[index]
                body = dumps({**body_base, "commitSequence": n + 1})
                return ("POST", item["commit"] + "?session=1", body,
                        {"Cookie": cookie, "Content-Type": "text/plain;charset=UTF-8"})

            def bare_request(index, n):
                cookie, _item = targets[index]
                body = dumps({**body_base, "commitSequence": n + 1})
                return ("POST", "/_bench/bare", body,
                        {"Cookie": cookie, "Content-Type": "text/plain;charset=UTF-8"})

            commit_rps = load(server.port, commit_request, concurrency=COMMIT_CLIENTS,
                              duration=DURATION)
            bare_post_rps = load(server.port, bare_request, concurrency=COMMIT_CLIENTS,
                                 duration=DURATION)
            report("scorm_commit_rps", commit_rps, "rps",
                   f"full JSON commits, sequence check, one transaction each, {COMMIT_CLIENTS} clients")
            report("bare_json_rps", bare_post_rps, "rps", "bare JSON route, same server")
            report("scorm_commit_vs_bare", commit_rps / bare_post_rps, "x", "commit ÷ bare")

            shim = targets[0][1]["shim"]
            token = re.search(r"/scorm/shim/([^/?]+)", shim).group(1)
            origin = re.match(r"(https?://[^/]+)", shim).group(1)
            host = origin.split("://", 1)[1]
            content_path = f"/scorm/content/{token}/media/blob50k.bin"

            def content_request(index, n):
                return ("GET", content_path, None, {"Host": host})

            def bare_get(index, n):
                return ("GET", "/_bench/bare", None, {})

            content_rps = load(server.port, content_request, concurrency=COMMIT_CLIENTS,
                               duration=DURATION)
            bare_get_rps = load(server.port, bare_get, concurrency=COMMIT_CLIENTS,
                                duration=DURATION)
            report("content_serve_rps", content_rps, "rps", "50 KB file from the content origin")
            report("content_serve_vs_bare", content_rps / bare_get_rps, "x",
                   "content file ÷ bare GET route")
