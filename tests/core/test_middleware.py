import pytest

pytestmark = pytest.mark.django_db


def test_indonesian_even_when_the_browser_asks_for_english(client):
    response = client.get("/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    assert "Masuk" in response.content.decode()


def test_english_when_chosen_with_the_switch(client):
    client.cookies["django_language"] = "en"
    response = client.get("/masuk/")
    assert response["Content-Language"] == "en"


def test_unknown_language_cookie_falls_back_to_indonesian(client):
    client.cookies["django_language"] = "fr"
    assert client.get("/masuk/")["Content-Language"] == "id"
