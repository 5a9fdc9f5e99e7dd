"""The API token pages of one's account (names unchanged from when accounts served them)."""

from django.urls import path

from lindung.api import pages

urlpatterns = [
    path("akun/token-api/", pages.api_tokens_view, name="api_tokens"),
    path(
        "akun/token-api/<int:token_id>/cabut/", pages.api_token_revoke_view, name="api_token_revoke"
    ),
]
