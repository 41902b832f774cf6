"""The image picker's script needs django.jQuery (admin/js/jquery.init.js) and
select2 loaded before it, wherever the admin merges it with other media."""

import pytest
from django.contrib import admin

from articles.models import Article
from authors.models import Author
from media_library.models import Gallery

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Gallery, Article, Author])
def test_picker_script_loads_after_jquery_and_select2(rf, admin_user, model):
    request = rf.get("/")
    request.user = admin_user
    model_admin = admin.site._registry[model]
    form = model_admin.get_form(request)()
    media = model_admin.media + form.media
    for inline in model_admin.get_inline_instances(request):
        media += inline.get_formset(request)().media
    scripts = [str(path) for path in media._js]
    if "media_library/admin/image-picker.js" not in scripts:
        pytest.skip(f"{model.__name__} has no image picker")
    picker = scripts.index("media_library/admin/image-picker.js")
    assert scripts.index("admin/js/jquery.init.js") < picker
    assert any("select2" in s for s in scripts[:picker])
