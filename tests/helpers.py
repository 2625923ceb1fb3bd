"""Small helpers for tests that drive the web pages."""

from __future__ import annotations


def login(client, username: str, password: str):
    return client.post(
        "/login/", data={"username": username, "password": password}, follow_redirects=False
    )


def logout(client):
    return client.get("/logout/", follow_redirects=False)
