// Click-to-load embeds on the public story page (articles/embeds.py draws the
// cards). Nothing from a video site or social network is requested until the
// reader presses a card's button: then, and only then, the provider's frame
// (its address computed by the server, in data-embed-frame) replaces the card.
// Without JavaScript the button stays hidden and the link to the original is
// the way to watch or read it. Cards that arrive after the page loaded (a
// live story's new entries, live/static/live/live.js) are made ready the same
// way by window.newsroomEmbeds.init(the element holding them).
;(() => {
  // A live story with embeds in its body loads this file twice: once is enough.
  if (window.newsroomEmbeds) return
  const load = (figure, button) => {
    const frame = document.createElement("iframe")
    // A video starts playing: the reader's click was the request to watch it,
    // and a second click on the player's own button would be one too many.
    const address = new URL(figure.dataset.embedFrame)
    if ("embedPlay" in figure.dataset) address.searchParams.set("autoplay", "1")
    frame.src = address.href
    frame.title = figure.dataset.embedTitle || button.textContent
    frame.className = "embed-frame"
    frame.setAttribute("allow", "autoplay; fullscreen; picture-in-picture; encrypted-media")
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin")
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-presentation")
    frame.loading = "eager"
    const card = figure.querySelector(".embed-card")
    card.replaceWith(frame)
    figure.classList.add("embed-loaded")
    frame.focus()
  }
  const init = (root) => {
    for (const figure of root.querySelectorAll("figure.embed[data-embed-frame]")) {
      const button = figure.querySelector("button.embed-load")
      if (!button || "embedReady" in button.dataset) continue
      button.dataset.embedReady = ""
      button.hidden = false
      button.addEventListener("click", () => load(figure, button))
    }
  }
  window.newsroomEmbeds = Object.freeze({ init })
  init(document)
})()
