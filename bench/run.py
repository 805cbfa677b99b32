"""`make bench`: seeds deterministic data (seed 0) in several sizes, measures the goals side by side
in the same run (counts and ratios, never absolute times), prints a table, writes
bench/results/latest.json and BENCHMARKS.md, and exits 1 when a goal fails.

Runs inside .ci/with-services.sh (a throwaway PostgreSQL and Redis) with expertise.settings.bench.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expertise.settings.bench")

import django

django.setup()

import json
import statistics
import time
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import servers
from bench.seed import Bench

ROOT = Path(__file__).resolve().parents[1]
GOALS: list[dict] = []


def goal(name: str, value: float, limit: float | None, ok: bool, note: str = "") -> None:
    GOALS.append({"name": name, "value": round(value, 3), "limit": limit, "ok": bool(ok), "note": note})
    mark = "ok " if ok else "FAIL"
    print(
        f"  [{mark}] {name}: {value:.3f}"
        + (f" (limit {limit})" if limit is not None else "")
        + (f" — {note}" if note else "")
    )
    sys.stdout.flush()


def median_time(call, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- 1. query_count -----------------------------------------------------------------------------


def page_queries(client: Client, user, url: str) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def query_counts(bench: Bench, probe) -> dict[str, int]:
    client = Client()
    return {
        "expert dashboard": page_queries(client, bench.expert, "/"),
        "clerk dashboard": page_queries(client, bench.clerk, "/"),
        "mission page": page_queries(client, bench.expert, reverse("cases:mission_detail", args=[probe.pk])),
        "document list": page_queries(client, bench.doctor, reverse("cases:mission_documents", args=[probe.pk])),
    }


# --- 2. policy_filter ---------------------------------------------------------------------------


def policy_filter(bench: Bench) -> None:
    from django.contrib.auth.models import Permission
    from guardian.models import UserObjectPermission
    from guardian.shortcuts import get_objects_for_user

    from cases import access
    from cases.models import Mission

    client = Client()
    client.force_login(bench.clerk)

    def dashboard():
        assert client.get("/").status_code == 200

    dashboard()  # warm
    ours = median_time(dashboard)
    with mock.patch.object(access, "visible_missions", lambda user: Mission.objects.all()):
        everything = median_time(dashboard)
    goal(
        "policy_filter clerk dashboard at 5,000 missions: policy / sees everything",
        ours / everything,
        1.5,
        ours / everything <= 1.5,
    )

    permission = Permission.objects.get(codename="view_mission", content_type__app_label="cases")
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(
                user=bench.clerk, permission=permission, content_type=permission.content_type, object_pk=str(m.pk)
            )
            for m in bench.missions
        ],
        batch_size=5000,
    )
    guardian = lambda user: get_objects_for_user(user, "cases.view_mission", klass=Mission, accept_global_perms=False)  # noqa: E731
    with mock.patch.object(access, "visible_missions", guardian):
        assert client.get("/").status_code == 200
        theirs = median_time(dashboard)
    goal("policy_filter side by side: ours / django-guardian object permissions", ours / theirs, None, True, "reported")


# --- 3. report_builder --------------------------------------------------------------------------


def report_builder(bench: Bench) -> dict:
    from weasyprint import HTML

    from reports.builder import build_report, report_data, report_html
    from reports.models import VersionKind
    from reports.rendering import static_root

    missions = {pages: bench.report_mission(pages) for pages in (50, 100)}
    built = {pages: build_report(m, VersionKind.FINAL) for pages, m in missions.items()}
    sizes = f"{built[50].pages} and {built[100].pages} pages"
    print(f"  report pages: {sizes}")
    m50 = missions[50]
    html = report_html(report_data(m50, VersionKind.FINAL))
    ours = median_time(lambda: build_report(m50, VersionKind.FINAL), runs=3)
    raw = median_time(lambda: HTML(string=html, base_url=static_root().as_uri() + "/").write_pdf(), runs=3)
    goal(
        "report_builder build / raw WeasyPrint on the same HTML (50 pages)", ours / raw, 1.15, ours / raw <= 1.15, sizes
    )
    hundred = median_time(lambda: build_report(missions[100], VersionKind.FINAL), runs=3)
    goal("report_builder 100-page / 50-page time", hundred / ours, 2.3, hundred / ours <= 2.3, sizes)
    peak = servers.peak_memory_mb(
        [sys.executable, "manage.py", "render_report", "--mission", str(missions[100].pk), "--out", "/dev/null"]
    )
    goal("report_builder peak memory at 100 pages (MB)", peak, 400, peak <= 400)
    # The parties decide how much they file: the report stays bounded whatever they file (the dires
    # are printed within a budget, each bounded by DIRE_MAX_CHARS), here at the largest allowed.
    flooded = bench.dires_mission(100)
    flooded_pages = build_report(flooded, VersionKind.FINAL).pages
    worst = median_time(lambda: build_report(flooded, VersionKind.FINAL), runs=3)
    note = f"100 dires of the largest allowed size: {flooded_pages} pages"
    goal("report_builder largest allowed dires / 50-page time", worst / ours, 1.0, worst / ours <= 1.0, note)
    return missions


def main() -> int:
    print("Seeding (random.Random(0))…")
    call_command("migrate", verbosity=0)
    bench = Bench()
    bench.add_missions(500)
    probe = bench.missions[0]
    bench.add_documents(probe, 10)
    small = query_counts(bench, probe)
    bench.add_missions(4500)
    bench.add_documents(probe, 990)
    large = query_counts(bench, probe)
    print("query_count (10 → 1,000 documents, 500 → 5,000 missions)")
    for page in small:
        goal(
            f"query_count {page}",
            large[page],
            small[page],
            large[page] == small[page],
            f"{small[page]} → {large[page]} queries",
        )

    only = os.environ.get("BENCH_ONLY", "")  # while working on one goal: "live"
    reports = None
    if only != "live":
        print("policy_filter")
        policy_filter(bench)
        print("report_builder")
        reports = report_builder(bench)

    print("upload_memory, load, render_isolation (gunicorn, locust, Celery)")
    bench.fill_documents(total=100_000)
    with connection.cursor() as cursor:  # statistics now, not an autovacuum in the middle of a measure
        cursor.execute("VACUUM ANALYZE")
    servers.run_live_goals(bench, probe, reports, goal)

    write_results()
    return 0 if all(g["ok"] for g in GOALS) else 1


def write_results() -> None:
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "latest.json").write_text(
        json.dumps({"goals": GOALS}, indent=1, ensure_ascii=False) + "\n"
    )
    write_markdown(GOALS)


def write_markdown(goals: list[dict]) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench`: counts and ratios measured side by side in one run, on data seeded",
        "with `random.Random(0)` (5,000 missions, 100,000 documents), PostgreSQL and Redis on loopback.",
        "",
        "Load: gunicorn (3 sync workers, each warmed on both pages first), 20 locust `FastHttpUser` clerks",
        "with sessions opened beforehand, 1-3 s of thought before every page including the first; the",
        "unloaded p50 is measured on the same server just before.",
        "",
        "| goal | value | limit | ok | measured |",
        "|---|---:|---:|:---:|---|",
        *(
            f"| {g['name']} | {g['value']} | {'' if g['limit'] is None else g['limit']} | "
            f"{'yes' if g['ok'] else 'NO'} | {g.get('note', '')} |"
            for g in goals
        ),
        "",
    ]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
