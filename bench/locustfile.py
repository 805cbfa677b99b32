"""Twenty clerks of a court with 5,000 missions: the dashboard and the pieces of a mission,
1 to 3 seconds of thought between two pages. Each has his own session, opened beforehand: the
load measures the pages, not password hashing."""

import os
import random

from locust import FastHttpUser, between, task

MISSIONS = [int(pk) for pk in os.environ.get("BENCH_MISSIONS", "1").split(",")]
SESSIONS = os.environ.get("BENCH_SESSIONS", "").split(",")


class Clerk(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.headers = {"Cookie": f"sessionid={SESSIONS.pop()}"}
        self.wait()  # a clerk opens his first page after a think time too, not all twenty at once

    def _get(self, url: str, name: str) -> None:
        with self.client.get(
            url, name=name, headers=self.headers, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:  # a redirect to the login page is a failure too
                response.failure(f"HTTP {response.status_code}")

    @task(1)
    def dashboard(self):
        self._get("/", "clerk dashboard")

    @task(2)
    def documents(self):
        self._get(f"/missions/{random.choice(MISSIONS)}/pieces/", "document list")
