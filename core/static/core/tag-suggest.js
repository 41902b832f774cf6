// Suggest existing tags in taggit's comma-separated box: the last tag typed is
// completed from /admin/tag-suggestions/ through a native <datalist>, which
// screen readers and the keyboard already know how to use.
(function () {
  "use strict";

  function setUp(input) {
    const list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.after(list);
    input.setAttribute("list", list.id);
    let timer = null;
    let lastTerm = "";

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(async function () {
        const value = input.value;
        const cut = value.lastIndexOf(",") + 1;
        const prefix = cut ? value.slice(0, cut) + " " : "";
        const term = value.slice(cut).trim();
        if (!term || term === lastTerm) return;
        lastTerm = term;
        const url = input.dataset.tagSuggestUrl + "?q=" + encodeURIComponent(term);
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) return;
        const { results } = await response.json();
        const typed = value.slice(0, cut).split(",").map((t) => t.trim().toLowerCase());
        list.replaceChildren(
          ...results
            .filter((name) => !typed.includes(name.toLowerCase()))
            .map((name) => {
              const option = document.createElement("option");
              option.value = prefix + (name.includes(",") || name.includes(" ") ? '"' + name + '"' : name);
              return option;
            })
        );
      }, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-tag-suggest-url]").forEach(setUp);
  });
})();
