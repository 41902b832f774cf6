// The story editor's embeds (django-prose-editor extension "Embed"): a video,
// a post, or one of our own stories or galleries, stored as a typed reference,
//   <figure data-embed="https://www.youtube.com/watch?v=…" data-title="…"
//           data-caption="…"></figure>
// never as the provider's HTML (articles/embeds.py draws the reader's card).
// "Embed a video or post" in the menu asks for the address; pasting a lone
// address on an empty line does the same. The server decides what may be
// embedded (ArticleAdmin.embed_check_view): the editor shows its answer, and a
// refused address is explained while the writer's text stays as it was.
// Pasting a provider's embed code (an <iframe>) is refused with what to do.
// "Embed a story or gallery" opens a picker searching our own stories and
// galleries the writer may see (ArticleAdmin.embed_choices_view).
import { Extension, mergeAttributes, Node, pm } from "django-prose-editor/editor"
import { el, getJSON, openDialog } from "newsroom/editor-helpers"

const { Plugin, PluginKey } = pm.state
const IFRAME = /<\s*iframe\b/i

function check(checkUrl, url, title = "") {
  return getJSON(`${checkUrl}?${new URLSearchParams({ url, title })}`)
}

function tell(message) {
  return openDialog("This cannot be embedded", (form, done) => {
    const ok = el("button", { type: "submit", className: "default", textContent: "OK" })
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      done(null)
    })
    form.append(el("p", { role: "alert", textContent: message }), el("div", {}, [ok]))
  }, { className: "embed-dialog" })
}

function askForEmbed(checkUrl, initial = "") {
  return openDialog("Embed a video or post", (form, done) => {
    const url = el("input", { type: "text", id: "embed-url", name: "url", required: true, value: initial, size: 60 })
    const title = el("input", { type: "text", id: "embed-title", name: "title", maxLength: 300, size: 60 })
    const caption = el("input", { type: "text", id: "embed-caption", name: "caption", maxLength: 1000, size: 60 })
    const status = el("p", { role: "status", className: "embed-status" })
    const save = el("button", { type: "submit", className: "default", textContent: "Embed" })
    const cancel = el("button", { type: "button", textContent: "Cancel" })
    cancel.addEventListener("click", () => done(null))
    form.addEventListener("submit", async (event) => {
      event.preventDefault()
      status.textContent = "Checking…"
      let answer
      try {
        answer = await check(checkUrl, url.value, title.value)
      } catch (error) {
        status.textContent = `The address could not be checked (${error.message}). Try again.`
        return
      }
      if (!answer.ok) {
        status.textContent = answer.error
        url.setAttribute("aria-invalid", "true")
        url.focus()
        return
      }
      done({ url: answer.url, title: title.value.trim(), caption: caption.value.trim() })
    })
    form.append(
      el("p", {}, [
        el("label", {
          htmlFor: url.id,
          textContent:
            "Address of the video or post (YouTube, Vimeo, NASA's image and video library, X, Bluesky, Mastodon), or of one of our stories or galleries",
        }),
        el("br"),
        url,
      ]),
      el("p", {}, [el("label", { htmlFor: title.id, textContent: "Title shown to readers (optional)" }), el("br"), title]),
      el("p", {}, [el("label", { htmlFor: caption.id, textContent: "Caption (optional)" }), el("br"), caption]),
      status,
      el("div", { className: "library-image-buttons" }, [save, cancel]),
    )
  }, { className: "embed-dialog" })
}

// "Embed a story or gallery": a search box (an ARIA combobox) whose list of
// our stories and galleries follows the typing. Down and Up move through the
// list, Enter embeds the one chosen, Escape closes the list and then the
// dialog. Resolves with the embed's attributes, or null.
function pickOurs(choicesUrl) {
  return openDialog("Embed a story or gallery", (form, done) => {
    const list = el("ul", { id: "embed-choices-list", className: "embed-choices", role: "listbox", "aria-label": "Stories and galleries found" })
    const help = el("p", {
      id: "embed-choices-help",
      className: "help",
      textContent: "Type words of a headline or a gallery's title. Down and Up move through what is found; Enter embeds it.",
    })
    const search = el("input", {
      type: "text",
      id: "embed-choices-search",
      name: "q",
      autocomplete: "off",
      spellcheck: false,
      size: 60,
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-controls": list.id,
      "aria-expanded": "false",
      "aria-describedby": help.id,
    })
    const caption = el("input", { type: "text", id: "embed-choices-caption", name: "caption", maxLength: 1000, size: 60 })
    const status = el("p", { role: "status", className: "embed-status" })
    const cancel = el("button", { type: "button", textContent: "Cancel" })
    cancel.addEventListener("click", () => done(null))

    let found = []
    let active = -1
    const choose = (choice) => done({ url: choice.url, title: "", caption: caption.value.trim() })
    const expand = (open) => {
      list.hidden = !open
      search.setAttribute("aria-expanded", open ? "true" : "false")
      if (!open) move(-1)
    }
    const move = (index) => {
      active = index
      for (const [i, option] of [...list.children].entries()) option.setAttribute("aria-selected", i === index ? "true" : "false")
      const option = list.children[index]
      if (option) {
        search.setAttribute("aria-activedescendant", option.id)
        option.scrollIntoView({ block: "nearest" })
      } else {
        search.removeAttribute("aria-activedescendant")
      }
    }

    let latest = 0
    const show = async () => {
      const ticket = ++latest
      status.textContent = "Searching…"
      let data
      try {
        data = await getJSON(`${choicesUrl}?${new URLSearchParams({ q: search.value })}`)
      } catch (error) {
        if (ticket === latest) status.textContent = `Our stories and galleries could not be searched (${error.message}). Try again.`
        return
      }
      if (ticket !== latest) return
      found = data.results
      list.replaceChildren(
        ...found.map((choice, index) => {
          const option = el("li", { id: `embed-choice-${index}`, role: "option", "aria-selected": "false", className: "embed-choice" }, [
            el("strong", { textContent: choice.title }),
            " ",
            el("span", { textContent: `${choice.provider} · ${choice.state}` }),
            ...(choice.note ? [" ", el("span", { className: "library-image-warning", textContent: choice.note })] : []),
          ])
          option.addEventListener("mousedown", (event) => event.preventDefault()) // keep focus in the box
          option.addEventListener("click", () => choose(choice))
          return option
        }),
      )
      expand(found.length > 0)
      status.textContent = found.length
        ? `${found.length} found. Down and Up to choose, Enter to embed.`
        : "Nothing matches. Only stories and galleries you may see are searched."
    }
    let timer
    search.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(show, 200)
    })
    search.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault()
        if (!found.length) return
        if (list.hidden) expand(true)
        const step = event.key === "ArrowDown" ? 1 : -1
        move(active < 0 && step < 0 ? found.length - 1 : (active + step + found.length) % found.length)
      } else if (event.key === "Enter") {
        event.preventDefault()
        clearTimeout(timer)
        if (active >= 0 && !list.hidden) choose(found[active])
        else show()
      } else if (event.key === "Escape" && !list.hidden && found.length) {
        // The list first; the next Escape closes the dialog. A search still
        // on its way (typed a moment ago, or not yet answered) is dropped, so
        // it cannot open the list again behind the writer's back.
        event.preventDefault()
        clearTimeout(timer)
        latest += 1
        status.textContent = ""
        expand(false)
      }
    })
    form.addEventListener("submit", (event) => event.preventDefault())
    form.append(
      el("p", {}, [el("label", { htmlFor: search.id, textContent: "Search our stories and galleries" }), el("br"), search]),
      help,
      status,
      list,
      el("p", {}, [el("label", { htmlFor: caption.id, textContent: "Caption (optional)" }), el("br"), caption]),
      el("div", { className: "library-image-buttons" }, [cancel]),
    )
    expand(false)
    show()
  }, { className: "embed-dialog" })
}

// A lone address pasted on an empty line becomes an embed (if the server
// accepts it): a provider's, or our own story's or gallery's page.
const ADDRESS = /^(https?:\/\/\S+|(story|gallery):\d+)$/

// The embed's paste handler, as an extension of its own so that it can run
// before the clean paste's (articles/admin/clean-paste.js, 10001): embed code
// copied as text is refused here, not pasted as words; a lone address is left
// to it only when it is HTML. (On the node itself, that priority would put the
// embed first among block nodes, and a new story would open with an empty one.)
const EmbedPaste = Extension.create({
  name: "embedPaste",
  priority: 10002,

  addOptions() {
    return { checkUrl: "", nodeName: "embed" }
  },

  addProseMirrorPlugins() {
    const editor = this.editor
    const checkUrl = this.options.checkUrl
    const type = this.options.nodeName
    return [
      new Plugin({
        key: new PluginKey("embedPaste"),
        props: {
          handlePaste(view, event) {
            const text = (event.clipboardData?.getData("text/plain") || "").trim()
            // A provider's embed code, copied from its Share box as text.
            if (IFRAME.test(text)) {
              event.preventDefault()
              tell(
                "That is a video's or post's embed code, which cannot be kept. Paste the video's or post's address instead (from its Share button), on a line of its own.",
              ).then(() => view.focus())
              return true
            }
            const { $from, empty } = view.state.selection
            const emptyLine = empty && $from.parent.type.name === "paragraph" && $from.parent.content.size === 0
            const html = event.clipboardData?.getData("text/html") || ""
            if (!emptyLine || !ADDRESS.test(text) || (html && !html.includes(text))) return false
            event.preventDefault()
            check(checkUrl, text).then(
              (answer) => {
                if (answer.ok) {
                  editor.chain().focus().insertContent({ type, attrs: { url: answer.url, title: "", caption: "" } }).run()
                } else {
                  editor.chain().focus().insertContent(text).run()
                  tell(answer.error).then(() => editor.commands.focus())
                }
              },
              () => editor.chain().focus().insertContent(text).run(),
            )
            return true
          },
        },
      }),
    ]
  },
})

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { checkUrl: "", choicesUrl: "" }
  },

  addAttributes() {
    return {
      url: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-embed"),
        renderHTML: (attrs) => ({ "data-embed": attrs.url }),
      },
      title: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-title") || "",
        renderHTML: (attrs) => (attrs.title ? { "data-title": attrs.title } : {}),
      },
      caption: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-caption") || "",
        renderHTML: (attrs) => (attrs.caption ? { "data-caption": attrs.caption } : {}),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-embed]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", mergeAttributes(HTMLAttributes)]
  },

  addCommands() {
    return {
      insertEmbed:
        (initial = "") =>
        ({ editor }) => {
          askForEmbed(this.options.checkUrl, initial).then((attrs) => {
            if (!attrs) return editor.commands.focus()
            editor.chain().focus().insertContent({ type: this.name, attrs }).run()
          })
          return true
        },
      insertOurEmbed:
        () =>
        ({ editor }) => {
          pickOurs(this.options.choicesUrl).then((attrs) => {
            if (!attrs) return editor.commands.focus()
            editor.chain().focus().insertContent({ type: this.name, attrs }).run()
          })
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      command: (editor) => editor.commands.insertEmbed(),
      button: buttons.material("smart_display", "Embed a video or post"),
    })
    if (this.options.choicesUrl) {
      menu.defineItem({
        name: "embedOurs",
        groups: "nodes",
        command: (editor) => editor.commands.insertOurEmbed(),
        button: buttons.material("newspaper", "Embed a story or gallery"),
      })
    }
  },

  addExtensions() {
    return [EmbedPaste.configure({ checkUrl: this.options.checkUrl, nodeName: this.name })]
  },

  addNodeView() {
    const checkUrl = this.options.checkUrl
    return ({ node, editor, getPos }) => {
      let current = node
      const provider = el("strong")
      const title = el("span", { className: "embed-node-title" })
      const address = el("span", { className: "embed-node-url" })
      const notes = el("span", { className: "embed-node-note library-image-warning" })
      const removeButton = el("button", { type: "button", textContent: "Remove embed" })
      const dom = el("figure", { className: "embed-node", contentEditable: "false" }, [
        el("figcaption", {}, [provider, " ", title, el("br"), address, el("br"), notes, el("span", {}, [removeButton])]),
      ])
      const draw = () => {
        const { url } = current.attrs
        dom.setAttribute("data-embed", url)
        provider.textContent = "Embed"
        title.textContent = current.attrs.title
        address.textContent = url
        notes.textContent = current.attrs.caption ? `Caption: ${current.attrs.caption}` : ""
        check(checkUrl, url, current.attrs.title).then(
          (answer) => {
            if (current.attrs.url !== url) return
            if (!answer.ok) {
              notes.textContent = `${answer.error} Remove this embed or replace it.`
              return
            }
            provider.textContent = `${answer.provider}${answer.frame ? " (click to load for readers)" : " (a link card)"}`
            title.textContent = answer.title || current.attrs.title
            if (answer.note) notes.textContent = answer.note
          },
          () => {},
        )
      }
      draw()
      removeButton.addEventListener("click", () => {
        const pos = getPos()
        if (typeof pos !== "number") return
        editor.chain().focus().deleteRange({ from: pos, to: pos + current.nodeSize }).run()
      })
      return {
        dom,
        update(updated) {
          if (updated.type !== current.type) return false
          current = updated
          draw()
          return true
        },
        stopEvent: (event) => event.target instanceof HTMLButtonElement,
        ignoreMutation: () => true,
      }
    }
  },
})
