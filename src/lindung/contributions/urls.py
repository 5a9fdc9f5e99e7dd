from django.urls import URLPattern, path

from lindung.contributions import views

app_name = "contributions"

_pages: list[URLPattern] = [
    path("", views.home_view, name="home"),
    path("tarif/", views.rates_view, name="rates"),
    path("tagihan/<int:pk>/", views.bill_view, name="bill"),
    path("tagihan/<int:pk>/penyesuaian/", views.bill_adjust_view, name="bill_adjust"),
    path("program/<slug:code>/", views.programme_view, name="programme"),
    path("program/<slug:code>/tagihan/", views.bill_generate_view, name="bill_generate"),
    path("program/<slug:code>/pembayaran/", views.payment_create_view, name="payment_create"),
    path("program/<slug:code>/putus/", views.lapses_apply_view, name="lapses_apply"),
    path("program/<slug:code>/status/", views.coverage_view, name="coverage"),
]

# Every page here shows money: readable by the roles with CONTRIBUTIONS_READ (not the village
# operator), in one place rather than a check per view.
urlpatterns = [views.contributions_readers_only(p) for p in _pages]
