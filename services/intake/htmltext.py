"""Turn the HTML body of a mail into the plain text a reader would see.

It is used only when a mail has no usable text/plain part. Line breaks follow
the block structure (<br>, <p>, <div>, table rows), whitespace is collapsed as
a browser would, and script, style and title are dropped. It never raises:
where html.parser gives up on broken markup, the tags are stripped instead.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")
_HTML_TAG = re.compile(r"<[^>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")


class _HTMLText(HTMLParser):
    """Collect the visible text of an HTML document, with line breaks where blocks end."""

    _HIDDEN = {"script", "style", "title"}
    _PARAGRAPHS = {"p", "blockquote", "pre", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}
    _LINES = {"div", "li", "tr", "dt", "dd", "center", "section", "article", "header", "footer"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden = 0
        self.trailing = 0  # How many line breaks the text collected so far ends with.

    def _break(self, count: int) -> None:
        """End the current line; count=2 leaves a blank line, as between paragraphs."""
        if self.trailing < count:
            self.chunks.append("\n" * (count - self.trailing))
            self.trailing = count

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag == "body":
            self.hidden = 0  # An unclosed <style> or <title> in the head must not hide the body.
        elif tag in ("br", "hr"):
            self.chunks.append("\n")
            self.trailing += 1
        elif tag in ("td", "th"):
            self.chunks.append(" ")  # Cells of one row stay on one line, apart.
        else:
            self._block(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        else:
            self._block(tag)

    def _block(self, tag: str) -> None:
        """Break the line where a block element starts or ends."""
        if tag in self._PARAGRAPHS:
            self._break(2)
        elif tag in self._LINES:
            self._break(1)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            text = _HTML_SPACE.sub(" ", data)
            self.chunks.append(text)
            self.trailing = self.trailing if text.isspace() else 0


def html_to_text(html: str) -> str:
    """Return the visible text of html: no script or style, a line per <br>, <p> or <div>."""
    parser = _HTMLText()
    try:
        parser.feed(html)
        parser.close()
        text = "".join(parser.chunks)
    except Exception:  # html.parser still raises on some broken markup: strip the tags instead.
        text = unescape(_HTML_TAG.sub(" ", html))
    lines = (" ".join(line.split()) for line in text.split("\n"))  # split() also takes &nbsp;.
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
