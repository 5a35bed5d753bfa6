"""Small helpers shared by the gateway tests."""

from gateway.demo import DEMO_PASSWORD


def ok(response) -> dict:
    assert response.status_code < 400, f"{response.status_code} {response.text}"
    return response.json()


def login(client, username: str, password: str = DEMO_PASSWORD) -> dict:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
