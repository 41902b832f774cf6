from django.urls import re_path

from . import views

app_name = "galleries"

urlpatterns = [
    re_path(r"^(?P<slug>[-\w]+)/$", views.gallery_detail, name="detail"),
]
