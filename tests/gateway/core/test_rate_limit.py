from fastapi.testclient import TestClient

from gateway.api.app import create_app


def test_public_reads__over_the_limit__429_then_private_routes_unaffected(settings, gateway):
    limited = settings.model_copy(update={"public_requests_per_minute": 5})
    with TestClient(create_app(limited, gateway=gateway)) as client:
        statuses = [client.get("/api/v1/public/stats").status_code for _ in range(7)]
        assert statuses == [200] * 5 + [429] * 2
        refused = client.get("/api/v1/public/stats")
        assert refused.json()["code"] == "RATE_LIMITED" and refused.headers["retry-after"] == "60"
        # Logged-in routes are not throttled by the public limit.
        assert client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"}).status_code == 401
