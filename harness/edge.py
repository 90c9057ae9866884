"""The deployment's edge: Debian's nginx running deploy/nginx/strongspine.conf, placeholders filled
in, with a throwaway self-signed certificate, in front of a gunicorn on loopback. The deployment
test and the edge benchmark both start it from here.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from string import Template

from harness.servers import ROOT, free_port

BROTLI_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so"

# The main file Debian's /etc/nginx/nginx.conf stands for, everything under the run's folder.
NGINX_MAIN = """
load_module {brotli};
worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
{user}
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format client '$remote_addr "$request" $status';
    access_log {access_log};
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
{extra}
}}
"""


def nginx_binary() -> str:
    """nginx, installed by tests/ensure_nginx.sh when it is missing and we may (root, apt)."""
    result = subprocess.run(  # noqa: S603 - our own script
        ["bash", str(ROOT / "tests" / "ensure_nginx.sh")], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr or result.stdout)
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        raise RuntimeError("tests/ensure_nginx.sh succeeded but nginx is not on the PATH")
    return found


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until something accepts connections on 127.0.0.1:`port`; raises with the log if it died."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listened on {port}:\n{log.read_text()[-3000:]}")


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A one-day certificate and key for CN=localhost, written into `folder`."""
    cert, key = folder / "tls.crt", folder / "tls.key"
    subprocess.run(  # noqa: S603, S607 - fixed arguments
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Edge:
    """A running nginx with the shipped site; stop() ends it."""

    folder: Path
    http_port: int
    https_port: int
    process: subprocess.Popen[bytes]

    @property
    def site_url(self) -> str:
        """The https origin visitors use."""
        return f"https://localhost:{self.https_port}"

    def pids(self) -> list[int]:
        """The master and its workers (Linux: the master's children in /proc)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [pid, *(int(child) for child in children)]

    def stop(self) -> None:
        """Ask nginx to stop; kill it if it will not."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_edge(
    folder: Path, upstream: str, *, workers: str = "1", access_log: bool = True, extra: str = ""
) -> Edge:
    """nginx with deploy/nginx/strongspine.conf in front of `upstream` (host:port), run from
    `folder` (its cache, logs, certificate and rendered files go there). `extra` is put into the
    http block as it is (another server, say)."""
    nginx = nginx_binary()
    http_port, https_port, compress_port = free_port(), free_port(), free_port()
    cert, key = self_signed_certificate(folder)
    site = Template((ROOT / "deploy" / "nginx" / "strongspine.conf").read_text())
    rendered = site.safe_substitute(
        SERVER_NAME="localhost",
        HTTP_LISTEN=f"127.0.0.1:{http_port}",
        HTTPS_LISTEN=f"127.0.0.1:{https_port}",
        HTTPS_ORIGIN=f"https://localhost:{https_port}",
        TLS_CERT=str(cert),
        TLS_KEY=str(key),
        STATIC_ROOT=str(ROOT / "static"),
        UPSTREAM=upstream,
        COMPRESS_LISTEN=f"127.0.0.1:{compress_port}",
        CACHE_DIR=str(folder / "cache"),
    )
    if "${" in rendered:
        raise RuntimeError("deploy/nginx/strongspine.conf has a placeholder nobody fills in")
    (folder / "site.conf").write_text(rendered)
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the run's files
    (folder / "nginx.conf").write_text(
        NGINX_MAIN.format(
            tmp=folder, user=user, workers=workers, brotli=BROTLI_MODULE, extra=extra,
            access_log=f"{folder}/nginx-access.log client" if access_log else "off",
        )
    )  # fmt: skip
    log = folder / "nginx-error.log"
    log.touch()
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [nginx, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    edge = Edge(folder, http_port, https_port, process)
    try:
        wait_for_port(https_port, process, log)
    except BaseException:
        edge.stop()
        raise
    return edge
