from django.urls import path

from lindung.claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list_view, name="list"),
    path("ekspor.xlsx", views.claim_export_view, name="export"),
    path("nilai-anggaran/", views.value_view, name="value"),
    path("lapor/", views.claim_worker_search_view, name="worker_search"),
    path("lapor/<int:worker_pk>/", views.claim_report_view, name="report"),
    path("<int:pk>/", views.claim_detail_view, name="detail"),
    path("<int:pk>/dokumen/", views.claim_document_upload_view, name="document_upload"),
    path("<int:pk>/dokumen/<int:doc_pk>/", views.claim_document_view, name="document"),
    path("<int:pk>/periksa-ulang/", views.claim_recheck_view, name="recheck"),
    path("<int:pk>/lengkap/", views.claim_complete_view, name="complete"),
    path("<int:pk>/ajukan/", views.claim_submit_view, name="submit"),
    path("<int:pk>/bayar/", views.claim_pay_view, name="pay"),
    path("<int:pk>/tolak/", views.claim_reject_view, name="reject"),
]
