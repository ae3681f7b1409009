"""docs/team.md's nginx block, run as written (ports and files swapped for test ones): a real
nginx with TLS and a password in front of `serve-web --trusted-header`, a real Chromium."""

from __future__ import annotations

import re
import shutil
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browserkit import ENTER_KEY, Browser, start_web, stop_web
from doorkit import free_port, need, wait_port

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("doors")]
DOC = Path(__file__).parents[2] / "docs" / "team.md"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def doc_block() -> str:
    match = re.search(r"```nginx\n(.*?)```", DOC.read_text(), re.S)
    assert match, "docs/team.md has no nginx block"
    return match.group(1)


def fetch(url: str, **headers: str) -> int:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=10, context=context
        ) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_documented_proxy_signs_people_in_and_names_them(tmp_path: Path) -> None:
    need(NGINX, "openssl")
    pytest.importorskip("selenium")
    cert, key, passwords = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "htpasswd"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
        check=True, capture_output=True,
    )  # fmt: skip
    hashed = subprocess.run(
        ["openssl", "passwd", "-apr1", "s3cret-pass"], check=True, capture_output=True, text=True
    ).stdout.strip()
    passwords.write_text(f"alice:{hashed}\nbob:{hashed}\n")
    port = free_port()
    door = start_web(
        tmp_path, "--public-url", f"https://127.0.0.1:{port}",
        "--trusted-header", "X-Forwarded-User",
    )  # fmt: skip
    block = (
        doc_block()
        .replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
        .replace("/etc/ssl/handterm/fullchain.pem", str(cert))
        .replace("/etc/ssl/handterm/privkey.pem", str(key))
        .replace("/etc/nginx/handterm.htpasswd", str(passwords))
        .replace("127.0.0.1:8022", f"127.0.0.1:{door.port}")
    )
    for folder in ("logs", "tmp"):
        (tmp_path / folder).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"user root;\nworker_processes 1;\npid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/logs/error.log;\nevents {{}}\nhttp {{\n"
        f"access_log {tmp_path}/logs/access.log;\n"
        + "".join(
            f"{kind}_temp_path {tmp_path}/tmp/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + block
        + "}\n"
    )
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"])
    browser = None
    try:
        wait_port(port)
        url = f"https://127.0.0.1:{port}/"
        assert fetch(url) == 401  # no password, no HandTerm
        browser = Browser(tmp_path / "chromium", "--ignore-certificate-errors")
        # alice signs in; her browser also claims to be bob: the proxy's word wins.
        browser.as_person("bob", header="X-Forwarded-User")
        browser.open(f"https://alice:s3cret-pass@127.0.0.1:{port}/")
        browser.wait_for("~$")
        browser.type("wrt through the proxy" + ENTER_KEY)
        browser.wait_for("Noted")
        assert [p.name for p in door.home_root.iterdir()] == ["alice"]
    finally:
        if browser is not None:
            browser.close()
        nginx.terminate()
        nginx.wait(timeout=10)
        stop_web(door)
