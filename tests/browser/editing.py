"""What the browser tests of the story editor share: where the editor is, a
paste as the browser delivers it, and a stand-in for a video site's player."""

# The story body's editor (django-prose-editor's ProseMirror).
EDITOR = ".field-body .ProseMirror[contenteditable]"

# What a browser does when the writer presses Ctrl+V with `html` and `text` on
# the clipboard (Playwright cannot write the system clipboard here).
_PASTE = """(editor, [html, text]) => {
    const data = new DataTransfer()
    if (html) data.setData("text/html", html)
    data.setData("text/plain", text)
    const paste = {clipboardData: data, bubbles: true, cancelable: true}
    editor.dispatchEvent(new ClipboardEvent("paste", paste))
}"""

PLAYER_STUB = (
    "<!doctype html><title>Player stub</title><p>The test's stand-in player.</p>"
)


def paste(editor, *, html: str = "", text: str = "plain text") -> None:
    """Paste into `editor` (a locator) as the browser would."""
    editor.evaluate(_PASTE, [html, text])


def stub_player(page, origin: str) -> list[str]:
    """Answer every request to the video site at `origin` with a stand-in
    page, never the network; returns the list the requests are recorded in."""
    asked = []

    def player(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=PLAYER_STUB)

    page.route(f"{origin}/**", player)
    return asked
