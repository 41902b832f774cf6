from django.urls import path, re_path

from . import author_pages as views

app_name = "authors"

urlpatterns = [
    path("", views.author_list, name="list"),
    # Unicode slugs ("émilie-durand"): Django's <slug:> converter is ASCII only.
    re_path(r"^(?P<slug>[-\w]+)/$", views.author_detail, name="detail"),
]
