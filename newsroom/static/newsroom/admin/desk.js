"use strict";
// Every admin page (templates/admin/base_site.html): what the libraries the
// admin uses leave out for people using a screen reader or the keyboard, and
// the markup of theirs that HTML does not allow, put right once they have
// drawn it (and again when they draw more: a new inline row, an editor).
//
// - The story editor (django-prose-editor) and the pickers (Django's select2)
//   get the name of their field's label, and the editor its help text.
// - The pickers' empty choice (select2's placeholder) gets a label.
// - The editor's block-type menu: a div, not a span, around its picker, and
//   its previews as spans rather than headings and paragraphs inside buttons.
// - Django's inlines script marks the formsets' hidden counters
//   autocomplete="off", which HTML forbids on a hidden input, to stop Firefox
//   restoring stale counts: the form as a whole is marked instead, which
//   Firefox honours the same way.
// - select2 draws its boxes as spans holding lists and divs: they are drawn as
//   divs instead, before Django's autocomplete script starts it.
(() => {
    const retagged = (element, tag) => {
        const other = document.createElement(tag);
        for (const {name, value} of element.attributes) other.setAttribute(name, value);
        other.append(...element.childNodes);
        return other;
    };

    // Each render method builds its element, keeps it on the object and
    // returns it: the div takes its place in both (with its attributes, so
    // the data select2 keeps by element id stays with it).
    function divInstead(proto, property, inner) {
        const render = proto.render;
        proto.render = function (...args) {
            const div = retagged(render.apply(this, args)[0], "div");
            if (inner) {
                for (const span of div.querySelectorAll(inner)) span.replaceWith(retagged(span, "div"));
            }
            this[property] = window.django.jQuery(div);
            return this[property];
        };
    }

    const select2 = window.django && window.django.jQuery && window.django.jQuery.fn.select2;
    if (select2 && select2.amd) {
        const load = select2.amd.require;
        divInstead(load("select2/core").prototype, "$container", ":scope > .selection");
        divInstead(load("select2/selection/base").prototype, "$selection");
        divInstead(load("select2/dropdown").prototype, "$dropdown", ":scope > .select2-results");
        divInstead(load("select2/dropdown/attachBody").prototype, "$dropdownContainer");
        // The open list goes in the page's main landmark, not loose in the body.
        const main = document.querySelector("main");
        if (main) load("select2/defaults").set("dropdownParent", window.django.jQuery(main));
        // The button that clears a multiple choice goes in its list: an item.
        const clearing = load("select2/selection/allowClear").prototype;
        const update = clearing.update;
        clearing.update = function (decorated, data) {
            update.call(this, decorated, data);
            for (const span of this.$selection[0].querySelectorAll(
                "ul.select2-selection__rendered > span.select2-selection__clear",
            )) span.replaceWith(retagged(span, "li"));
        };
    }

    const labelled = (id) => {
        const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
        if (label && !label.id) label.id = `${id}-label`;
        return label;
    };

    function nameEditors() {
        for (const surface of document.querySelectorAll(
            ".prose-editor .ProseMirror[contenteditable]:not([aria-labelledby])",
        )) {
            const field = surface.closest(".prose-editor").querySelector("textarea[id]");
            const label = field && labelled(field.id);
            if (!label) continue;
            surface.setAttribute("aria-labelledby", label.id);
            surface.setAttribute("aria-multiline", "true");
            const help = field.getAttribute("aria-describedby");
            if (help) surface.setAttribute("aria-describedby", help);
        }
    }

    function namePickers() {
        for (const select of document.querySelectorAll("select.select2-hidden-accessible[id]")) {
            for (const option of select.querySelectorAll('option[value=""]')) {
                if (!option.textContent.trim() && !option.label) option.label = "None";
            }
            const container = select.nextElementSibling;
            if (!container || !container.classList.contains("select2")) continue;
            const box = container.querySelector(".select2-selection");
            if (!box || box.dataset.deskNamed) continue;
            const label = labelled(select.id);
            if (!label) continue;
            const shown = container.querySelector(".select2-selection__rendered[id]");
            box.setAttribute("aria-labelledby", shown ? `${label.id} ${shown.id}` : label.id);
            if (shown) shown.setAttribute("aria-labelledby", label.id);
            box.dataset.deskNamed = "yes";
        }
    }

    // An open picker: its box says which list it controls (ARIA 1.2 asks for
    // aria-controls where select2 gives only aria-owns), its search field
    // takes the field's label, and its list loses an attribute lists lack.
    function nameOpenPicker(select) {
        const box = select.nextElementSibling && select.nextElementSibling.querySelector(".select2-selection");
        if (box && box.getAttribute("aria-owns")) box.setAttribute("aria-controls", box.getAttribute("aria-owns"));
        const label = labelled(select.id);
        const search = document.querySelector(".select2-dropdown .select2-search__field");
        if (label && search) search.setAttribute("aria-labelledby", label.id);
        // A listbox is not expanded or collapsed; select2 says so all the same.
        for (const list of document.querySelectorAll(".select2-results__options[aria-expanded]")) {
            list.removeAttribute("aria-expanded");
        }
    }

    function tidyMenus() {
        for (const dropdown of document.querySelectorAll("span.prose-menubar__dropdown")) {
            const div = document.createElement("div");
            div.className = dropdown.className;
            div.append(...dropdown.childNodes);
            dropdown.replaceWith(div);
        }
        for (const preview of document.querySelectorAll(
            ".prose-menubar__option > :is(h1, h2, h3, h4, h5, h6, p)",
        )) {
            const span = document.createElement("span");
            span.className = `desk-preview desk-preview-${preview.parentElement.dataset.name || ""}`;
            span.append(...preview.childNodes);
            preview.replaceWith(span);
        }
    }

    function tidyCounters() {
        for (const input of document.querySelectorAll('input[type="hidden"][autocomplete]')) {
            if (input.form) input.form.setAttribute("autocomplete", "off");
            input.removeAttribute("autocomplete");
        }
    }

    function tidy() {
        nameEditors();
        namePickers();
        tidyMenus();
        tidyCounters();
    }

    let queued = false;
    const soon = () => {
        if (queued) return;
        queued = true;
        requestAnimationFrame(() => {
            queued = false;
            tidy();
        });
    };
    document.addEventListener("DOMContentLoaded", () => {
        tidy();
        setTimeout(tidy); // after jQuery's ready handlers, which run late
        new MutationObserver((changes) => {
            if (changes.some((change) => change.addedNodes.length)) soon();
        }).observe(document.body, {childList: true, subtree: true});
    });
    window.addEventListener("load", tidy);
    // Django's inlines script marks the counters on jQuery's ready, after ours.
    document.addEventListener("formset:added", soon);
    if (select2) {
        window.django.jQuery(document).on("select2:open", (event) => {
            setTimeout(() => nameOpenPicker(event.target)); // after select2's own
        });
    }
})();
