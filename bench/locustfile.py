"""Twenty clerks of a court with 5,000 missions: the dashboard and the pieces of a mission,
1 to 3 seconds of thought between two pages."""

import os
import random

from locust import HttpUser, between, task

MISSIONS = [int(pk) for pk in os.environ.get("BENCH_MISSIONS", "1").split(",")]


class Clerk(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.client.get("/connexion/")
        self.client.post(
            "/connexion/",
            {
                "username": os.environ["BENCH_USER"],
                "password": "bench-password-0",
                "csrfmiddlewaretoken": self.client.cookies["csrftoken"],
            },
            headers={"Referer": f"{self.host}/connexion/"},
            name="login",
        )

    @task(1)
    def dashboard(self):
        self.client.get("/", name="clerk dashboard")

    @task(2)
    def documents(self):
        self.client.get(f"/missions/{random.choice(MISSIONS)}/pieces/", name="document list")
