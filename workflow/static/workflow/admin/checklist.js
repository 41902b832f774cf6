// The pre-publish checklist beside an edit form (workflow/admin/change_form.html).
// The server decides every line: the form's current, unsaved values are posted
// to the item's checklist address (WorkflowAdminMixin.checklist_view), which
// runs the same check publishing runs; this only shows the answer. Refreshed
// when the page opens and about a second after typing stops, in any field,
// the story editor's too (it updates its hidden textarea and fires "input").
;(() => {
  "use strict"
  const panel = document.getElementById("checklist")
  if (!panel) return
  const form = panel.closest("form")
  const list = document.getElementById("checklist-items")
  const summary = document.getElementById("checklist-summary")
  const QUIET_MS = 800
  let timer = null
  let sending = false
  let again = false

  const csrf = () => form.querySelector("[name=csrfmiddlewaretoken]")?.value || ""

  function say(text) {
    if (summary.textContent !== text) summary.textContent = text
  }

  // The element a line jumps to: the field, an inline's group, or what stands
  // in for a hidden field (the story editor, a picker).
  function target(name) {
    const found =
      document.getElementById(`id_${name}`) ||
      document.getElementById(`${name}-group`) ||
      form.elements.namedItem(name)
    if (!found || found instanceof RadioNodeList) return null
    return found
  }

  function focusable(element) {
    const hidden =
      element.hidden ||
      element.type === "hidden" ||
      element.classList.contains("select2-hidden-accessible") ||
      getComputedStyle(element).display === "none"
    if (!hidden && element.matches("input, select, textarea, button, a[href], [contenteditable=true]")) {
      return element
    }
    const scope = hidden ? element.parentElement : element
    return (
      scope.querySelector("[contenteditable=true], .select2-selection, input:not([type=hidden]), select, textarea, a[href]") ||
      element
    )
  }

  function jump(name) {
    const element = target(name)
    if (!element) return
    for (let up = element.parentElement; up; up = up.parentElement) {
      if (up.tagName === "DETAILS") up.open = true
    }
    const place = focusable(element)
    if (!place.matches("input, select, textarea, button, a[href], [contenteditable=true], .select2-selection")) {
      place.setAttribute("tabindex", "-1")
    }
    place.scrollIntoView({ block: "center" })
    place.focus({ preventScroll: true })
  }

  function line(item) {
    const row = document.createElement("li")
    row.className = `checklist-item ${item.passed ? "is-passed" : "is-failing"}`
    row.dataset.key = item.key
    const mark = document.createElement("span")
    mark.className = "checklist-mark"
    mark.setAttribute("role", "img")
    mark.setAttribute("aria-label", item.passed ? "Done:" : "To fix:")
    mark.textContent = item.passed ? "✓" : "✗"
    row.append(mark, " ")
    let label
    if (!item.passed && item.field && target(item.field)) {
      label = document.createElement("a")
      label.href = `#${target(item.field).id || ""}`
      label.addEventListener("click", (event) => {
        event.preventDefault()
        jump(item.field)
      })
    } else {
      label = document.createElement("span")
    }
    label.className = "checklist-label"
    label.textContent = item.label
    row.append(label)
    if (item.fix.length) {
      const fixes = document.createElement("ul")
      fixes.className = "checklist-fix"
      for (const text of item.fix) {
        const fix = document.createElement("li")
        fix.textContent = text
        fixes.append(fix)
      }
      row.append(fixes)
    }
    return row
  }

  async function refresh() {
    timer = null
    if (sending) {
      again = true
      return
    }
    sending = true
    panel.setAttribute("aria-busy", "true")
    try {
      const data = new FormData(form)
      for (const [name, value] of [...data.entries()]) {
        if (typeof value !== "string") data.delete(name) // files stay in the form
      }
      const response = await fetch(panel.dataset.url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf() },
      })
      if (!response.ok) throw new Error(`${response.status}`)
      const answer = await response.json()
      list.replaceChildren(...answer.items.map(line))
      panel.classList.toggle("checklist-ready", answer.left === 0)
      say(answer.summary)
    } catch (_) {
      say("The checklist could not be worked out just now; it tries again as you type.")
    } finally {
      sending = false
      panel.removeAttribute("aria-busy")
      if (again) {
        again = false
        schedule()
      }
    }
  }

  function schedule() {
    clearTimeout(timer)
    timer = setTimeout(refresh, QUIET_MS)
  }

  form.addEventListener("input", schedule)
  form.addEventListener("change", schedule)
  // Pickers (select2) say "change" through jQuery only.
  window.django?.jQuery?.(form).on("select2:select select2:unselect", schedule)
  // Inline rows added or removed.
  document.addEventListener("formset:added", schedule)
  document.addEventListener("formset:removed", schedule)
  refresh()
})()
