"""docker-compose.yml cannot run here (no Docker engine): keep it correct by construction."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_has_the_production_services_configured_from_env():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("web", "worker", "beat", "migrate"):
        assert services[name]["env_file"] == ".env"
        assert "media:/data/media" in services[name]["volumes"]
    assert "gunicorn" in services["web"]["command"]
    # the worker lays out reports below the web processes in CPU priority
    assert services["worker"]["command"][:7] == ["nice", "-n", "10", "celery", "-A", "expertise", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "expertise", "beat"]


def test_every_variable_the_compose_file_uses_is_documented_in_env_example():
    used = set(re.findall(r"\$\{(\w+)", (ROOT / "docker-compose.yml").read_text()))
    documented = set(re.findall(r"^#?\s*(\w+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    optional = {"WEB_WORKERS", "WORKER_CONCURRENCY"}
    assert used - documented - optional == set()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"} <= documented
