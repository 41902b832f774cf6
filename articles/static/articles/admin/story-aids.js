"use strict"
// Aids around the story editor (articles.admin.ArticleForm.Media), computed in
// the browser from the form as the writer types; nothing is sent anywhere but
// the library lookup for the hero picture's preview.
//
// - Under the body: its word count and reading time. Words are counted in the
//   HTML the editor keeps in its textarea, every tag read as a space, at the
//   reading speed this script is given (data-words-per-minute, from
//   articles.models.WORDS_PER_MINUTE), exactly as Article.reading_minutes counts
//   the stored body: the admin shows the number readers will see.
// - Under every text field with a maxlength or a data-recommended-length
//   (given here for the fields the checklist limits, data-recommended-lengths):
//   "42 of 70 characters", read out politely, with a warning past the
//   recommendation (or the maximum, where there is no recommendation).
// - Before "Search and sharing": the search result and the social card as the
//   story page's <title>, description and OpenGraph tags will make them
//   (templates/jinja2/articles/article_detail.html: the SEO title or else the
//   headline, the SEO description or else the dek, the hero picture).
{
  const script = document.currentScript
  const WORDS_PER_MINUTE = Number(script.dataset.wordsPerMinute)
  const ADDRESS = script.dataset.storyAddress // with "--slug--" for the slug
  const SITE_NAME = script.dataset.siteName
  const IMAGE_LOOKUP = script.dataset.imageLookup // + "<id>/" gives one picture
  // The lengths the pre-publish checklist holds some fields to (by name;
  // articles.checklist), which are also where search results cut them.
  const RECOMMENDED = JSON.parse(script.dataset.recommendedLengths || "{}")
  const SEARCH_TITLE_CHARACTERS = RECOMMENDED.seo_title || 60
  const SEARCH_DESCRIPTION_CHARACTERS = RECOMMENDED.seo_description || 160

  const parser = new DOMParser()
  const textOf = (html) => parser.parseFromString(html.replace(/<[^>]*>/g, " "), "text/html").documentElement.textContent

  function wordCount(html) {
    return textOf(html).split(/\s+/).filter(Boolean).length
  }

  // The editor's shared helpers (core/admin/editor-helpers.js, through its
  // import map), set before setUp runs.
  let el

  const plural = (count, word) => `${count.toLocaleString("en")} ${word}${count === 1 ? "" : "s"}`

  // Cut as search results do: at a word, with an ellipsis.
  function truncate(text, limit) {
    const clean = text.replace(/\s+/g, " ").trim()
    if (clean.length <= limit) return clean
    const cut = clean.slice(0, limit - 1)
    const space = cut.lastIndexOf(" ")
    return `${(space > limit / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:–—-]+$/, "")} ...`
  }

  function describe(input) {
    const ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean)
    return (id) => input.setAttribute("aria-describedby", [...ids, id].join(" "))
  }

  // --- Word count and reading time ------------------------------------------

  function setUpWordCount(body) {
    const count = el("p", { id: `${body.id}_word_count`, className: "story-aids-count" })
    // Under the editor (which wraps the textarea once its module has loaded),
    // where help text goes.
    ;(body.closest(".flex-container") || body.closest(".prose-editor") || body).after(count)
    return () => {
      const words = wordCount(body.value)
      const minutes = Math.ceil(words / WORDS_PER_MINUTE)
      count.textContent = words ? `${plural(words, "word")} · ${minutes} min read` : "No words yet"
    }
  }

  // --- Length hints ----------------------------------------------------------

  function setUpLengthHint(input) {
    const limits = () => {
      const maximum = Number(input.getAttribute("maxlength")) || 0
      return [maximum, Number(input.dataset.recommendedLength) || maximum]
    }
    if (!limits()[1]) return null
    const hint = el("div", { id: `${input.id}_length`, className: "length-hint", "aria-live": "polite" })
    ;(input.closest(".flex-container") || input).after(hint)
    describe(input)(hint.id)
    return () => {
      const [maximum, recommended] = limits()
      const length = [...input.value].length // characters, as the server counts them
      const over = length > recommended
      hint.classList.toggle("length-hint-over", over)
      hint.textContent = over
        ? `${length} of ${recommended} characters: ${plural(length - recommended, "character")} too many${
            maximum && maximum !== recommended ? "; search results and cards cut the rest" : ""
          }`
        : `${length} of ${recommended} characters`
    }
  }

  // --- Search result and social card -----------------------------------------

  function setUpPreviews(form, field, before) {
    const serpUrl = el("span", { className: "serp-url" })
    const serpTitle = el("span", { className: "serp-title" })
    const serpDescription = el("span", { className: "serp-description" })
    const cardPicture = el("div", { className: "social-card-picture" })
    const cardDomain = el("span", { className: "social-card-domain" })
    const cardTitle = el("span", { className: "social-card-title" })
    const cardDescription = el("span", { className: "social-card-description" })
    const heading = el("h2", {
      id: "story-previews-heading",
      className: "fieldset-heading",
      textContent: "How it will look in search and when shared",
    })
    const panel = el("section", { className: "module story-previews", "aria-labelledby": heading.id }, [
      heading,
      el("div", { className: "story-previews-grid" }, [
        el("figure", { className: "story-preview" }, [
          el("figcaption", { textContent: "Search result" }),
          el("div", { className: "serp" }, [
            el("span", { className: "serp-site" }, [el("span", { className: "serp-site-name", textContent: SITE_NAME }), serpUrl]),
            serpTitle,
            serpDescription,
          ]),
        ]),
        el("figure", { className: "story-preview" }, [
          el("figcaption", { textContent: "Social card (Facebook, LinkedIn, Bluesky, X)" }),
          el("div", { className: "social-card" }, [
            cardPicture,
            el("span", { className: "social-card-text" }, [cardDomain, cardTitle, cardDescription]),
          ]),
        ]),
      ]),
    ])
    before.before(panel)

    const value = (name) => (field(name)?.value || "").trim()
    const pictures = new Map()
    let shownPicture = null

    function showPicture(id) {
      if (id === shownPicture) return
      shownPicture = id
      if (!id) {
        cardPicture.replaceChildren(el("span", { textContent: "No hero picture: the card shows none." }))
        return
      }
      if (!pictures.has(id)) {
        pictures.set(
          id,
          fetch(`${IMAGE_LOOKUP}${encodeURIComponent(id)}/`, {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
          }).then((response) => (response.ok ? response.json() : null)),
        )
      }
      pictures.get(id).then(
        (info) => {
          if (shownPicture !== id) return
          cardPicture.replaceChildren(
            info?.thumbnail
              ? el("img", { src: info.thumbnail, alt: "", width: 240, height: 126 })
              : el("span", { textContent: "The hero picture could not be shown." }),
          )
        },
        () => {},
      )
    }

    return () => {
      const title = value("seo_title") || value("headline")
      const description = value("seo_description") || value("dek")
      const slug = value("slug") || (window.URLify ? window.URLify(value("headline"), 255, true) : "")
      const address = new URL(ADDRESS.replace("--slug--", encodeURIComponent(slug || "…")), location.origin)
      serpUrl.textContent = [address.origin, ...address.pathname.split("/").filter(Boolean).map(decodeURIComponent)].join(" › ")
      serpTitle.textContent = truncate(title ? `${title} | ${SITE_NAME}` : SITE_NAME, SEARCH_TITLE_CHARACTERS)
      // With no description, search engines quote the page: its first words.
      serpDescription.textContent =
        truncate(description || textOf(field("body")?.value || ""), SEARCH_DESCRIPTION_CHARACTERS) ||
        "No SEO description or dek yet."
      cardDomain.textContent = address.host.toUpperCase()
      cardTitle.textContent = title || "No headline yet"
      cardDescription.textContent = description
      showPicture(value("hero_image"))
    }
  }

  function setUp() {
    const body = document.querySelector("textarea[name=body][data-django-prose-editor-configurable]")
    const form = body?.form
    if (!form) return
    const field = (name) => form.elements.namedItem(name)
    for (const [name, length] of Object.entries(RECOMMENDED)) {
      const input = field(name)
      if (input && !input.dataset.recommendedLength) input.dataset.recommendedLength = length
    }
    const updates = [setUpWordCount(body)]
    for (const input of form.querySelectorAll("input, textarea")) {
      const typed = input.matches("textarea, [type=text], [type=search], [type=url], [type=email], :not([type])")
      if (typed && input.id && !input.name.includes("__prefix__") && input !== body && !input.closest(".prose-editor")) {
        const update = setUpLengthHint(input)
        if (update) updates.push(update)
      }
    }
    const seo = field("seo_title")?.closest("fieldset")
    updates.push(setUpPreviews(form, field, seo || body.closest("fieldset").nextElementSibling || body.closest("fieldset")))

    let pending = false
    const update = () => {
      if (pending) return
      pending = true
      requestAnimationFrame(() => {
        pending = false
        for (const each of updates) each()
      })
    }
    form.addEventListener("input", update)
    form.addEventListener("change", update)
    // The hero picker (select2) announces a choice through jQuery only.
    const hero = field("hero_image")
    if (hero && window.django?.jQuery) window.django.jQuery(hero).on("change", update)
    body.addEventListener("prose-editor:ready", update)
    update()
  }

  const loaded = new Promise((resolve) => {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", resolve)
    else resolve()
  })
  Promise.all([import("newsroom/editor-helpers"), loaded]).then(([helpers]) => {
    el = helpers.el
    setUp()
  })
}
