// The admin edit form's safety net (workflow/templates/admin/workflow/editing.html,
// workflow/editing.py):
// - every change is kept in this browser (localStorage) at once, and sent to
//   the server as the person's own draft a few seconds after typing stops;
//   if the server cannot be reached the form says so and retries, and text
//   still in the browser is sent when the page is opened again;
// - leaving the page with unsaved changes asks the browser's question;
// - while the page is open it tells the server so every 30 seconds, and shows
//   who else has the same form open.
;(() => {
  "use strict"
  const bar = document.getElementById("editing")
  if (!bar) return
  const form = bar.closest("form")
  const status = document.getElementById("autosave-status")
  const fields = (bar.dataset.fields || "").split(" ").filter(Boolean)
  const storageKey = `newsroom-draft:${bar.dataset.storageKey}`
  const QUIET_MS = 2000
  const HEARTBEAT_MS = 30000
  let timer = null
  let retryMs = 2000
  let sending = false
  let pending = false
  let submitting = false

  const csrf = () => form.querySelector("[name=csrfmiddlewaretoken]").value
  const field = (name) => form.elements.namedItem(name)

  function textValues() {
    const values = {}
    for (const name of fields) {
      const input = field(name)
      if (input && "value" in input) values[name] = input.value
    }
    return values
  }

  // Everything the form would send, to tell whether anything changed.
  function everything() {
    const data = new FormData(form)
    const parts = []
    for (const [name, value] of data.entries()) {
      if (name === "csrfmiddlewaretoken" || name === "_loaded") continue
      if (typeof value === "string") parts.push([name, value])
    }
    return JSON.stringify(parts)
  }
  let initial = everything()
  let dirty = bar.dataset.dirty === "true"
  const isDirty = () => dirty || everything() !== initial

  function say(text, problem = false) {
    status.textContent = text
    status.classList.toggle("editing-problem", problem)
  }

  function store(values) {
    try {
      localStorage.setItem(
        storageKey,
        JSON.stringify({ values, at: Date.now(), version: versionValue() }),
      )
    } catch (_) {
      // Private mode or a full store: the server copy still follows.
    }
  }

  function forget(values) {
    try {
      const kept = JSON.parse(localStorage.getItem(storageKey) || "null")
      if (kept && JSON.stringify(kept.values) === JSON.stringify(values)) {
        localStorage.removeItem(storageKey)
      }
    } catch (_) {}
  }

  const versionValue = () => field("_version")?.value || ""

  async function send(values, key = null) {
    const body = new FormData()
    body.append("csrfmiddlewaretoken", csrf())
    body.append("_version", versionValue())
    const loaded = field("_loaded")?.value
    if (loaded) body.append("_loaded", loaded)
    const formKey = key || field("_key")?.value
    if (formKey) body.append("_key", formKey)
    for (const [name, value] of Object.entries(values)) body.append(name, value)
    const response = await fetch(bar.dataset.autosaveUrl, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf() },
    })
    if (!response.ok) {
      const error = new Error(`${response.status}`)
      error.status = response.status
      throw error
    }
    return response.json()
  }

  async function autosave() {
    timer = null
    if (sending) {
      pending = true
      return
    }
    sending = true
    const values = textValues()
    try {
      const answer = await send(values)
      retryMs = 2000
      forget(values)
      if (answer.stale) {
        say(answer.message, true)
      } else {
        say(`Draft kept at ${answer.saved_at_display}: only you see it. Press Save to save the story.`)
      }
    } catch (error) {
      if (error.status && error.status < 500) {
        say(`Not saved as a draft (the server answered ${error.status}); your text stays in this browser.`, true)
      } else {
        say("Not saved yet, retrying… Your text is kept in this browser.", true)
        schedule(retryMs)
        retryMs = Math.min(retryMs * 2, 30000)
      }
    } finally {
      sending = false
      if (pending) {
        pending = false
        schedule(QUIET_MS)
      }
    }
  }

  function schedule(ms) {
    clearTimeout(timer)
    timer = setTimeout(autosave, ms)
  }

  function changed(event) {
    if (event.target && event.target.closest && event.target.closest(".editing-conflict")) return
    const values = textValues()
    store(values)
    schedule(QUIET_MS)
  }
  form.addEventListener("input", changed)
  form.addEventListener("change", changed)
  window.addEventListener("online", () => {
    if (localStorage.getItem(storageKey)) schedule(0)
  })

  form.addEventListener("submit", () => {
    submitting = true
    try {
      localStorage.removeItem(storageKey) // the server has it, or keeps the draft
    } catch (_) {}
  })

  window.addEventListener("beforeunload", (event) => {
    if (submitting || !isDirty()) return
    event.preventDefault()
    event.returnValue = ""
  })

  // Text typed on an earlier visit that never reached the server.
  async function sendLeftovers() {
    const prefix = storageKey.replace(/:new:[^:]*$/, ":new:")
    const isNew = prefix !== storageKey
    const keys = []
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)
      if (key === storageKey || (isNew && key.startsWith(prefix))) keys.push(key)
    }
    for (const key of keys) {
      let kept = null
      try {
        kept = JSON.parse(localStorage.getItem(key) || "null")
      } catch (_) {}
      if (!kept || !kept.values) continue
      try {
        const newKey = isNew ? key.slice(prefix.length) : null
        await send(kept.values, newKey)
        localStorage.removeItem(key)
        const link = isNew ? `?draft=${encodeURIComponent(newKey)}` : "?restore=draft"
        status.replaceChildren(
          `Text you typed at ${new Date(kept.at).toLocaleTimeString()} had not reached the server; it is kept as your draft. `,
          Object.assign(document.createElement("a"), { href: link, textContent: "Restore it" }),
        )
      } catch (_) {
        say("Text from your last visit is still in this browser; it will be sent when the server can be reached.", true)
        schedule(retryMs)
      }
    }
  }
  if (!bar.dataset.dirty) sendLeftovers()

  // Who else has it open.
  const presenceUrl = bar.dataset.presenceUrl
  const notice = document.getElementById("presence-notice")
  async function heartbeat() {
    if (!presenceUrl || document.visibilityState === "hidden") return
    const body = new FormData()
    body.append("csrfmiddlewaretoken", csrf())
    try {
      const response = await fetch(presenceUrl, { method: "POST", body, credentials: "same-origin" })
      if (!response.ok) return
      const { others } = await response.json()
      notice.querySelector(".presence-names").textContent = others.join(", ")
      notice.hidden = others.length === 0
    } catch (_) {}
  }
  if (presenceUrl) {
    setInterval(heartbeat, HEARTBEAT_MS)
    document.addEventListener("visibilitychange", heartbeat)
    window.addEventListener("pagehide", () => {
      const body = new FormData()
      body.append("csrfmiddlewaretoken", csrf())
      body.append("leave", "1")
      navigator.sendBeacon(presenceUrl, body)
    })
  }

  // Once the page has settled (editors fill their fields in), the current
  // state is the unchanged one.
  window.addEventListener("load", () => {
    setTimeout(() => {
      initial = everything()
    }, 300)
  })
})()
