'use strict';
// The admin's autocomplete for a library image, with a thumbnail beside each
// title. Same search and permissions as the admin's own autocomplete.js (this
// only adds templates for the results); widgets with class "image-picker".
{
    const $ = django.jQuery;

    function setUp(element) {
        const thumbnailUrl = element.dataset.thumbnailUrl;
        const withThumbnail = (item) => {
            if (!item.id) {
                return item.text; // the placeholder, "Searching…"
            }
            const row = document.createElement('span');
            row.className = 'image-picker-option';
            const thumbnail = document.createElement('img');
            thumbnail.src = thumbnailUrl.replace('__id__', encodeURIComponent(item.id));
            thumbnail.alt = '';
            thumbnail.width = 40;
            thumbnail.height = 40;
            thumbnail.loading = 'lazy';
            row.append(thumbnail, document.createTextNode(item.text));
            return $(row);
        };
        $(element).select2({
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    app_label: element.dataset.appLabel,
                    model_name: element.dataset.modelName,
                    field_name: element.dataset.fieldName
                })
            },
            templateResult: withThumbnail,
            templateSelection: withThumbnail
        });
    }

    $(function() {
        $('.image-picker').not('[name*=__prefix__]').each((i, element) => setUp(element));
    });
    document.addEventListener('formset:added', (event) => {
        $(event.target).find('.image-picker').each((i, element) => setUp(element));
    });
}
