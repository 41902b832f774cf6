// The workflow panel's schedule fields: what the browser reads a typed time as,
// in UTC. The browser's own zone may differ from the newsroom's: the server
// converts; this only helps when they match, and says so.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-utc-output]").forEach((input) => {
    const out = document.getElementById(input.dataset.utcOutput)
    input.addEventListener("input", () => {
      const d = new Date(input.value)
      out.textContent = Number.isNaN(d.getTime())
        ? ""
        : `Your browser reads this as ${d.toISOString().slice(0, 16).replace("T", " ")} UTC`
    })
  })
})
