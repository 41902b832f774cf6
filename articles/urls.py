from django.urls import path, re_path

from . import views

app_name = "articles"

urlpatterns = [
    # Unicode slugs: Django's <slug:> converter only takes ASCII.
    re_path(r"^stories/(?P<slug>[-\w]+)/$", views.article_detail, name="detail"),
    path("section/<slug:slug>/", views.section_detail, name="section"),
    path("search/", views.search_view, name="search"),
    path("latest/", views.latest, name="latest"),
    path("tag/<str:slug>/", views.tag_detail, name="tag"),
]
