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
import { Extension, mergeAttributes, Node, pm } from "django-prose-editor/editor"

const { Plugin, PluginKey } = pm.state
const IFRAME = /<\s*iframe\b/i

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(props)) {
    if (name.startsWith("data-") || name.startsWith("aria-") || name === "role") {
      node.setAttribute(name, value)
    } else {
      node[name] = value
    }
  }
  node.append(...children)
  return node
}

async function check(checkUrl, url, title = "") {
  const query = new URLSearchParams({ url, title })
  const response = await fetch(`${checkUrl}?${query}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
  if (!response.ok) throw new Error(`${response.status}`)
  return response.json()
}

// A modal dialog with a form; resolves with what `done` was given, or null.
function openDialog(title, build) {
  return new Promise((resolve) => {
    const heading = el("h2", { id: `embed-dialog-${Date.now()}`, textContent: title })
    const form = el("form", { method: "dialog" })
    const dialog = el("dialog", { className: "library-image-dialog embed-dialog", "aria-labelledby": heading.id }, [
      heading,
      form,
    ])
    let result = null
    const done = (value) => {
      result = value
      dialog.close()
    }
    build(form, done)
    dialog.addEventListener("close", () => {
      dialog.remove()
      resolve(result)
    })
    document.body.append(dialog)
    dialog.showModal()
  })
}

function tell(message) {
  return openDialog("This cannot be embedded", (form, done) => {
    const ok = el("button", { type: "submit", className: "default", textContent: "OK" })
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      done(null)
    })
    form.append(el("p", { role: "alert", textContent: message }), el("div", {}, [ok]))
  })
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
  })
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
    return { checkUrl: "" }
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
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      command: (editor) => editor.commands.insertEmbed(),
      button: buttons.material("smart_display", "Embed a video or post"),
    })
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
