// The story editor's library pictures (django-prose-editor extension
// "LibraryImage"). A placed picture is stored as a reference,
//   <figure data-library-image="42" data-caption="optional caption"></figure>
// which the public page turns into the figure with its renditions, alt text,
// caption and credit (media_library/inline.py). In the editor it shows the
// thumbnail, the caption and credit, and what the picture still lacks before
// the story can be published. "Insert a library picture" in the menu opens a
// searchable picker; the server's ArticleAdmin.library_images_view answers.
//
// A placed picture goes only when the writer removes it: its "Remove picture"
// button, or selected and Delete/Backspace, each one step that Ctrl+Z undoes.
// Typing, Enter or a paste while a picture is selected writes after it, and
// the caret leaves a newly inserted picture for the paragraph after it
// (issue 11: the first keystroke after an insertion used to replace it).
import { Extension, mergeAttributes, Node, pm } from "django-prose-editor/editor"
import { el, getJSON, openDialog } from "newsroom/editor-helpers"

const { NodeSelection, Plugin, PluginKey, Selection, TextSelection } = pm.state
const { closeHistory } = pm.history

const lookups = new Map()

function lookUp(baseUrl, id) {
  const key = `${baseUrl}|${id}`
  if (!lookups.has(key)) {
    lookups.set(
      key,
      getJSON(`${baseUrl}${encodeURIComponent(id)}/`).catch((error) => {
        lookups.delete(key)
        throw error
      }),
    )
  }
  return lookups.get(key)
}

function warnings(info) {
  const notes = []
  if (info.missing.length) {
    notes.push(`No ${info.missing.join(" or ")} yet: add it in the library before publishing.`)
  }
  if (info.expired) {
    notes.push("Its licence has expired.")
  }
  return notes
}

function pickImage(lookupUrl, uploadUrl) {
  return openDialog("Insert a library picture", (form, done) => {
    const search = el("input", { type: "search", id: "library-image-search", name: "q" })
    const caption = el("input", { type: "text", id: "library-image-caption", name: "caption", maxLength: 1000 })
    const status = el("p", { role: "status", className: "library-image-status" })
    const results = el("ul", { className: "library-image-results" })
    const cancel = el("button", { type: "button", textContent: "Cancel" })
    cancel.addEventListener("click", () => done(null))

    let latest = 0
    const show = async () => {
      const ticket = ++latest
      status.textContent = "Searching…"
      let data
      try {
        data = await getJSON(`${lookupUrl}?q=${encodeURIComponent(search.value)}`)
      } catch (error) {
        if (ticket === latest) status.textContent = `The library could not be searched (${error.message}). Try again.`
        return
      }
      if (ticket !== latest) return
      results.replaceChildren(
        ...data.results.map((info) => {
          const notes = warnings(info)
          const button = el(
            "button",
            { type: "button", className: "library-image-choice", disabled: info.expired },
            [
              el("img", { src: info.thumbnail, alt: "", width: 80, height: 80, loading: "lazy" }),
              el("span", { className: "library-image-choice-text" }, [
                el("strong", { textContent: info.title }),
                el("span", { textContent: info.credit ? `Credit: ${info.credit}` : "No credit" }),
                ...notes.map((note) => el("span", { className: "library-image-warning", textContent: note })),
              ]),
            ],
          )
          button.addEventListener("click", () => done({ image: String(info.id), caption: caption.value.trim() }))
          return el("li", {}, [button])
        }),
      )
      status.textContent = data.results.length
        ? `${data.results.length} picture${data.results.length === 1 ? "" : "s"} found. Choose one to insert it.`
        : "No pictures match. Upload new ones in the image library."
    }
    let timer
    search.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(show, 250)
    })
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault()
        clearTimeout(timer)
        show()
      }
    })
    form.append(
      el("p", {}, [el("label", { htmlFor: search.id, textContent: "Search the library" }), search]),
      el("p", {}, [
        el("label", { htmlFor: caption.id, textContent: "Caption for this story (optional; the library caption otherwise)" }),
        caption,
      ]),
      status,
      results,
      el("div", { className: "library-image-buttons" }, [
        uploadUrl
          ? el("a", {
              href: uploadUrl,
              target: "_blank",
              rel: "noopener",
              textContent: "Upload new pictures (opens a new tab; search again here after)",
            })
          : "",
        cancel,
      ]),
    )
    show()
  })
}

function editCaption(current) {
  return openDialog("Caption for this story", (form, done) => {
    const text = el("textarea", { id: "library-image-caption-edit", rows: 3, cols: 60, maxLength: 1000, value: current })
    const save = el("button", { type: "submit", textContent: "Save caption", className: "default" })
    const cancel = el("button", { type: "button", textContent: "Cancel" })
    cancel.addEventListener("click", () => done(null))
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      done(text.value.trim())
    })
    form.append(
      el("p", {}, [
        el("label", { htmlFor: text.id, textContent: "Leave empty to use the caption from the library." }),
        text,
      ]),
      el("div", { className: "library-image-buttons" }, [save, cancel]),
    )
  })
}

// Where the selected library picture starts, or null when none is selected.
function selectedPicture(state, name) {
  const { selection } = state
  return selection instanceof NodeSelection && selection.node.type.name === name ? selection.from : null
}

// Puts the caret in the paragraph after the block at `pos` (a picture),
// adding one unless a paragraph follows, or with `fresh`, an empty one.
function caretAfter(tr, pos, { fresh = false } = {}) {
  const after = pos + tr.doc.nodeAt(pos).nodeSize
  const $after = tr.doc.resolve(after)
  const paragraph = tr.doc.type.schema.nodes.paragraph
  const next = $after.nodeAfter
  if (next?.type === paragraph && !(fresh && next.content.size)) {
    return tr.setSelection(TextSelection.create(tr.doc, after + 1))
  }
  if (!$after.parent.canReplaceWith($after.index(), $after.index(), paragraph)) {
    return tr.setSelection(Selection.near($after))
  }
  return tr.insert(after, paragraph.create()).setSelection(TextSelection.create(tr.doc, after + 1))
}

// Where the picture inserted by the transaction's steps from `firstStep` on
// now starts, or null.
function insertedPicture(tr, firstStep, type) {
  let found = null
  for (let index = firstStep; index < tr.steps.length; index++) {
    const later = tr.mapping.slice(index + 1)
    tr.steps[index].getMap().forEach((_oldStart, _oldEnd, start, end) => {
      tr.doc.nodesBetween(later.map(start, -1), later.map(end, 1), (node, pos) => {
        if (node.type === type) found = pos
      })
    })
  }
  return found
}

// Removes the picture at `pos` as one undoable step of its own: neither the
// typing before nor after it joins it in the history, and the undo brings the
// picture back selected.
function removePicture(view, pos, bias = -1) {
  if (!(view.state.selection instanceof NodeSelection && view.state.selection.from === pos)) {
    view.dispatch(view.state.tr.setSelection(NodeSelection.create(view.state.doc, pos)))
  }
  const tr = view.state.tr.delete(pos, pos + view.state.doc.nodeAt(pos).nodeSize)
  const at = Math.min(tr.mapping.map(pos), tr.doc.content.size)
  view.dispatch(closeHistory(tr.setSelection(Selection.near(tr.doc.resolve(at), bias)).scrollIntoView()))
  view.dispatch(closeHistory(view.state.tr))
}

// Keeps a selected picture from being replaced by what the writer types,
// enters or pastes. Above every other extension, so that its handlers run
// before the input rules, keymaps and paste handlers that would replace it.
const LibraryImageGuard = Extension.create({
  name: "libraryImageGuard",
  priority: 10000,

  addOptions() {
    return { nodeName: "libraryImage" }
  },

  addProseMirrorPlugins() {
    const name = this.options.nodeName
    return [
      new Plugin({
        key: new PluginKey("libraryImageGuard"),
        props: {
          handleTextInput(view, from, to, text) {
            const pos = selectedPicture(view.state, name)
            if (pos === null || from > pos || to <= pos) return false
            view.dispatch(caretAfter(view.state.tr, pos, { fresh: true }).insertText(text).scrollIntoView())
            return true
          },
          handleKeyDown(view, event) {
            const pos = selectedPicture(view.state, name)
            if (pos === null || event.isComposing) return false
            // Every Enter: Shift+Enter and Ctrl+Enter would put a line break
            // in its place.
            if (event.key === "Enter") {
              view.dispatch(caretAfter(view.state.tr, pos, { fresh: true }).scrollIntoView())
              return true
            }
            if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return false
            if (event.key === "Delete" || event.key === "Backspace") {
              removePicture(view, pos, event.key === "Delete" ? 1 : -1)
              return true
            }
            return false
          },
          handlePaste(view, _event, slice) {
            const pos = selectedPicture(view.state, name)
            if (pos === null) return false
            const tr = caretAfter(view.state.tr, pos, { fresh: true }).replaceSelection(slice)
            view.dispatch(tr.scrollIntoView().setMeta("paste", true).setMeta("uiEvent", "paste"))
            return true
          },
        },
      }),
    ]
  },
})

export const LibraryImage = Node.create({
  name: "libraryImage",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { lookupUrl: "", uploadUrl: "" }
  },

  addExtensions() {
    return [LibraryImageGuard.configure({ nodeName: this.name })]
  },

  addAttributes() {
    return {
      image: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-library-image"),
        renderHTML: (attrs) => ({ "data-library-image": attrs.image }),
      },
      caption: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-caption") || "",
        renderHTML: (attrs) => (attrs.caption ? { "data-caption": attrs.caption } : {}),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-library-image]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", mergeAttributes(HTMLAttributes)]
  },

  addCommands() {
    return {
      insertLibraryImage:
        () =>
        ({ editor }) => {
          pickImage(this.options.lookupUrl, this.options.uploadUrl).then((attrs) => {
            if (!attrs) return editor.commands.focus()
            const content = { type: this.name, attrs }
            let firstStep = 0
            // With a picture selected, add the new one after it, not over it.
            const { selection } = editor.state
            const chain = editor
              .chain()
              .focus()
              .command(({ tr }) => {
                firstStep = tr.steps.length
                return true
              })
            if (selection.node) chain.insertContentAt(selection.to, content)
            else chain.insertContent(content)
            // ...and the writer goes on writing after it, in the same step.
            chain
              .command(({ tr }) => {
                const pos = insertedPicture(tr, firstStep, editor.schema.nodes[this.name])
                if (pos !== null) caretAfter(tr, pos)
                return true
              })
              .run()
          })
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "libraryImage",
      groups: "nodes",
      command: (editor) => editor.commands.insertLibraryImage(),
      button: buttons.material("add_photo_alternate", "Insert a library picture"),
    })
  },

  addNodeView() {
    const lookupUrl = this.options.lookupUrl
    return ({ node, editor, getPos }) => {
      let current = node
      const picture = el("img", { alt: "", width: 120, height: 120 })
      const title = el("strong")
      const caption = el("span", { className: "library-image-caption" })
      const credit = el("span", { className: "library-image-credit" })
      const notes = el("span", { className: "library-image-warning" })
      const captionButton = el("button", { type: "button", textContent: "Edit caption" })
      const removeButton = el("button", { type: "button", textContent: "Remove picture" })
      const dom = el(
        "figure",
        { className: "library-image-node", contentEditable: "false", "data-library-image": node.attrs.image },
        [
          picture,
          el("figcaption", {}, [title, caption, credit, notes, el("span", {}, [captionButton, " ", removeButton])]),
        ],
      )

      const draw = () => {
        const id = current.attrs.image
        dom.setAttribute("data-library-image", id)
        title.textContent = `Library picture #${id}`
        caption.textContent = current.attrs.caption ? `Caption: ${current.attrs.caption}` : ""
        lookUp(lookupUrl, id).then(
          (info) => {
            if (current.attrs.image !== id) return
            picture.src = info.thumbnail
            picture.alt = info.alt
            title.textContent = info.title
            caption.textContent = `Caption: ${current.attrs.caption || info.caption || "(none)"}${current.attrs.caption ? "" : " (from the library)"}`
            credit.textContent = info.credit ? `Image credit: ${info.credit}` : ""
            notes.textContent = warnings(info).join(" ")
          },
          () => {
            notes.textContent = `Library picture #${id} was not found. Remove it or choose another.`
          },
        )
      }
      draw()

      captionButton.addEventListener("click", () => {
        editCaption(current.attrs.caption).then((text) => {
          if (text === null) return editor.commands.focus()
          const pos = getPos()
          editor
            .chain()
            .focus()
            .command(({ tr }) => {
              tr.setNodeMarkup(pos, undefined, { ...current.attrs, caption: text })
              return true
            })
            .run()
        })
      })
      removeButton.addEventListener("click", () => {
        const pos = getPos()
        if (typeof pos !== "number") return
        removePicture(editor.view, pos)
        editor.view.focus()
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
