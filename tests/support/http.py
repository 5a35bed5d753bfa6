"""Answers of the HTTP API, checked the way every test checks them. `http` is a
FastAPI TestClient or an httpx.Client on a served gateway."""

from __future__ import annotations

from gateway.demo import DEMO_PASSWORD

API = "/api/v1"
ERROR_KEYS = {"code", "message", "detail"}


def ok(response) -> dict:
    assert response.status_code < 400, f"{response.status_code} {response.text}"
    return response.json()


def error_of(response, status: int, code: str) -> dict:
    """The one error shape {code, message, detail}, with this status and code; returns the body."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code
    return body


def login(http, username: str, password: str = DEMO_PASSWORD) -> dict:
    """The Authorization header of a fresh session."""
    response = http.post(f"{API}/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
