"""The goals measured against real processes: gunicorn (upload and download memory, load with
locust), a Celery worker (render isolation), and a child process's peak memory."""

import csv
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-0"  # noqa: S105 - the benchmark's throwaway users


def peak_memory_mb(command: list[str]) -> float:
    """Runs a command and returns its peak resident memory (ru_maxrss of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(after, before) / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, workers: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "expertise.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers",
             str(workers), "--timeout", "120", "--log-level", "warning"],
            cwd=ROOT,
        )  # fmt: skip
        for _ in range(100):
            try:
                requests.get(f"{self.url}/connexion/", timeout=10)
                return
            except requests.RequestException:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Sampler:
    """Samples a process's resident memory every 2 ms while a request runs."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.running = pid, 0, True
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while self.running:
            self.peak = max(self.peak, rss_kb(self.pid))
            time.sleep(0.002)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()


def login(url: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{url}/connexion/", timeout=30)
    response = session.post(
        f"{url}/connexion/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{url}/connexion/"},
        timeout=30,
    )
    assert "sessionid" in session.cookies, response.status_code
    return session


def big_pdf(path: Path, megabytes: int) -> None:
    """A valid PDF of about `megabytes` MB (one page, a long content stream)."""
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    stream = ContentStream(None, None)
    stream.set_data(b"q Q\n" * (megabytes * 1024 * 1024 // 4))
    page.replace_contents(stream)
    with path.open("wb") as handle:
        writer.write(handle)


def upload_memory(server: Gunicorn, bench, probe, goal) -> None:
    url = server.url
    session = login(url, bench.expert.username)
    documents = f"{url}/missions/{probe.pk}/pieces/"
    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp) / "petit.pdf", Path(tmp) / "gros.pdf"
        big_pdf(small, 1)
        big_pdf(big, 50)

        def post(path: Path):
            session.get(documents, timeout=60)
            with path.open("rb") as handle:
                response = session.post(
                    documents,
                    data={"csrfmiddlewaretoken": session.cookies["csrftoken"], "produced_by": "court"},
                    files={"files": (path.name, handle, "application/pdf")},
                    headers={"Referer": documents},
                    timeout=300,
                )
            assert response.status_code in (200, 302), response.status_code
            return response

        for _ in range(3):  # warm: templates, PDF parsing, storage
            post(small)
        (worker,) = server.workers()
        baseline = rss_kb(worker)
        with Sampler(worker) as sampler:
            post(big)
        goal(
            "upload_memory gunicorn worker peak while receiving 50 MB / baseline",
            sampler.peak / baseline,
            1.3,
            sampler.peak / baseline <= 1.3,
        )

        from cases.models import Document

        document = Document.objects.filter(mission=probe, original_name="gros.pdf").latest("pk")
        baseline = rss_kb(worker)
        with Sampler(worker) as sampler:
            response = session.get(f"{url}/pieces/{document.pk}/fichier/", stream=True, timeout=300)
            size = sum(len(chunk) for chunk in response.iter_content(1024 * 1024))
        assert size == document.size
        goal(
            "upload_memory gunicorn worker peak during a 50 MB download / baseline",
            sampler.peak / baseline,
            1.1,
            sampler.peak / baseline <= 1.1,
        )


def timings(session: requests.Session, urls: list[str], count: int) -> list[float]:
    times = []
    for i in range(count):
        start = time.perf_counter()
        response = session.get(urls[i % len(urls)], timeout=120)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def warm(session: requests.Session, urls: list[str]) -> None:
    """Every worker answers each page a few times before anything is measured (a worker's first
    requests load templates and code; a long-running server has paid that long before)."""

    def client():
        own = requests.Session()
        own.cookies.update(session.cookies)
        timings(own, urls, 3 * len(urls))

    threads = [threading.Thread(target=client) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def load(server: Gunicorn, bench, goal) -> None:
    url = server.url
    session = login(url, bench.clerk.username)
    ids = [m.pk for m in bench.missions[1:]]  # not the 1,000-piece probe
    doc_urls = [f"{url}/missions/{pk}/pieces/" for pk in ids[::97]]
    warm(session, [f"{url}/", *doc_urls[:4]])
    dashboard_p50 = statistics.median(timings(session, [f"{url}/"], 15))
    documents_p50 = statistics.median(timings(session, doc_urls, 30))
    sessions = []
    for _ in range(20):  # logged in beforehand: the load measures pages, not password hashing
        client = Client()
        client.force_login(bench.clerk)
        sessions.append(client.cookies["sessionid"].value)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "BENCH_SESSIONS": ",".join(sessions), "BENCH_MISSIONS": ",".join(map(str, ids[::13]))}
        subprocess.run(
            # the load generator shares the machine: above the server in priority, so that its own
            # scheduling delays are not counted as the server's latency
            ["nice", "-n", "-10", sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", "20",
             "-r", "20", "-t", "60s", "--host", url, "--csv", f"{tmp}/load", "--only-summary"],
            check=False, env=env, cwd=ROOT, capture_output=True,
        )  # fmt: skip
        with open(f"{tmp}/load_stats.csv", newline="") as handle:
            stats = {row["Name"]: row for row in csv.DictReader(handle)}
    failures = int(stats["Aggregated"]["Failure Count"])
    requests_done = int(stats["Aggregated"]["Request Count"])
    goal("load errors under 20 users for 60 s", failures, 0, failures == 0, f"{requests_done} requests")
    for name, unloaded in (("clerk dashboard", dashboard_p50), ("document list", documents_p50)):
        loaded = float(stats[name]["95%"]) / 1000
        print(
            f"  {name} under load (ms): " + ", ".join(f"p{q} {stats[name][q + '%']}" for q in ("50", "90", "95", "99"))
        )
        goal(f"load {name}: p95 under load / p50 unloaded", loaded / unloaded, 4, loaded / unloaded <= 4,
             f"p95 {loaded * 1000:.0f} ms, p50 unloaded {unloaded * 1000:.0f} ms")  # fmt: skip


def render_isolation(server: Gunicorn, bench, goal) -> None:
    from reports.builder import report_for
    from reports.models import RenderJob

    mission = bench.report_mission(60)
    worker = subprocess.Popen(
        ["nice", "-n", "19", sys.executable, "-m", "celery", "-A", "expertise", "worker", "--concurrency", "1", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT,
    )  # fmt: skip
    try:
        from expertise.celery import app

        for _ in range(60):  # the worker is up and idle before anything is measured
            if app.control.ping(timeout=1):
                break
        session = login(server.url, bench.clerk.username)
        urls = [f"{server.url}/missions/{m.pk}/pieces/" for m in bench.missions[1:51]]  # not the 1,000-piece probe
        timings(session, urls, 5)
        quiet = p95(timings(session, urls, 100))
        from reports.tasks import render_report

        job = RenderJob.objects.create(
            mission=mission, kind="draft", requested_by=bench.expert, report_revision=report_for(mission).revision
        )
        render_report.delay(job.pk)
        busy: list[float] = []
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            busy += timings(session, urls, 5)
            status = RenderJob.objects.filter(pk=job.pk).values_list("status", flat=True).get()
            if status in ("done", "failed"):
                break
        assert status == "done", status
        ratio = p95(busy) / quiet
        goal("render_isolation web p95 while a 60-page report renders in Celery / without", ratio, 1.5, ratio <= 1.5,
             f"{len(busy)} requests during the render")  # fmt: skip
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def run_live_goals(bench, probe, reports, goal) -> None:
    server = Gunicorn(workers=1)
    try:
        upload_memory(server, bench, probe, goal)
    finally:
        server.stop()
    server = Gunicorn(workers=int(os.environ.get("WEB_WORKERS", "3")))
    try:
        load(server, bench, goal)
        render_isolation(server, bench, goal)
    finally:
        server.stop()
