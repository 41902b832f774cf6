// Clean paste for the story editor (django-prose-editor extension
// "CleanPaste", configured by articles.admin.StoryBodyWidget).
//
// What Word, Google Docs and web pages put on the clipboard is sent to the
// server, which answers with it as core.sanitize.clean_html keeps it
// (ArticleAdmin.clean_paste_view); the editor pastes that. So the writer sees
// at once what the story will store: Docs' whole-paste bold wrapper gone, its
// bold and italic kept, Word's lists as lists, no spans, styles, fonts or
// tracking. There is one set of rules, on the server, not a copy of them here.
//
// Left to the editor as it is: a plain-text paste (Ctrl+Shift+V, or nothing
// but text on the clipboard) and a copy from this editor itself (its HTML is
// the editor's own). Should the server not answer, the text is pasted as
// plain text, never as the uncleaned markup.
import { Extension, pm } from "django-prose-editor/editor"

const { Plugin, PluginKey } = pm.state

async function cleaned(url, form, html) {
  const body = new FormData()
  body.append("html", html)
  const token = form?.querySelector("[name=csrfmiddlewaretoken]")?.value || ""
  const response = await fetch(url, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": token },
  })
  if (!response.ok) throw new Error(`${response.status}`)
  return (await response.json()).html
}

export const CleanPaste = Extension.create({
  name: "cleanPaste",
  // Before every other paste handler (the library pictures' guard among them),
  // so that they receive the cleaned paste.
  priority: 10001,

  addOptions() {
    return { cleanUrl: "" }
  },

  addProseMirrorPlugins() {
    const url = this.options.cleanUrl
    let plain = false
    return [
      new Plugin({
        key: new PluginKey("cleanPaste"),
        props: {
          // ProseMirror reads the clipboard's HTML into a document of its own
          // before asking handlePaste; the style attributes Word and Docs put
          // on every span would each be refused there by the admin's strict
          // Content-Security-Policy, a console error apiece. That reading is
          // thrown away (the server cleans the paste), so it goes without them.
          transformPastedHTML(html) {
            return html.replace(/\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, "")
          },
          handleKeyDown(_view, event) {
            plain = (event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === "v"
            return false
          },
          handlePaste(view, event) {
            const asPlainText = plain
            plain = false
            // The editor's own pastes of the cleaned HTML come back here with
            // no clipboard data, and go on to the other handlers.
            const html = event.clipboardData?.getData("text/html")
            if (!url || !html || asPlainText || html.includes("data-pm-slice")) return false
            const text = event.clipboardData.getData("text/plain")
            event.preventDefault()
            view.dom.setAttribute("aria-busy", "true")
            cleaned(url, view.dom.closest("form"), html)
              .then(
                (clean) => view.pasteHTML(clean),
                () => view.pasteText(text),
              )
              .finally(() => view.dom.removeAttribute("aria-busy"))
            return true
          },
        },
      }),
    ]
  },
})
