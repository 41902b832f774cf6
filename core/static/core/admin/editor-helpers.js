// Small helpers shared by the story form's scripts: the editor's extensions
// (media_library/admin/library-image.js, articles/admin/embed.js) and the aids
// around it (articles/admin/story-aids.js). Loaded through the editor's import
// map as "newsroom/editor-helpers" (articles.admin.StoryBodyWidget).

// An element with properties (data-*, aria-* and role as attributes) and
// children.
export function el(tag, props = {}, children = []) {
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

// The JSON an admin endpoint answers with; an error naming the status if it
// answers otherwise.
export async function getJSON(url) {
  const response = await fetch(url, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
  if (!response.ok) throw new Error(`${response.status}`)
  return response.json()
}

let dialogs = 0

// A modal dialog titled `title` with a form that `build(form, done)` fills;
// resolves with what `done` was given, or null (Cancel, Escape). Focus goes
// back where it was when the dialog closes.
export function openDialog(title, build, { className = "" } = {}) {
  return new Promise((resolve) => {
    const heading = el("h2", { id: `editor-dialog-${++dialogs}`, textContent: title })
    const form = el("form", { method: "dialog" })
    const dialog = el(
      "dialog",
      { className: `library-image-dialog ${className}`.trim(), "aria-labelledby": heading.id },
      [heading, form],
    )
    const opener = document.activeElement
    let result = null
    const done = (value) => {
      result = value
      dialog.close()
    }
    build(form, done, dialog)
    dialog.addEventListener("close", () => {
      dialog.remove()
      if (opener?.isConnected && document.activeElement === document.body) opener.focus()
      resolve(result)
    })
    document.body.append(dialog)
    dialog.showModal()
  })
}
