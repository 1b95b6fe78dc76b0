"""What a browser without JavaScript sends: the fields of a form on a page, as it would post them."""

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    """Collects the successful controls of the form with id `form_id` (and of controls outside it that name it
    with form="..."): text and hidden inputs, checked radios and checkboxes, textareas. Buttons and files are
    left out: the test adds the button it presses."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.depth = 0  # inside the form (its <form> element)
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._textarea_text: list[str] = []

    def _belongs(self, attrs: dict[str, str | None]) -> bool:
        owner = attrs.get("form")
        return owner == self.form_id if owner is not None else self.depth > 0

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        if tag == "form":
            if attrs.get("id") == self.form_id:
                self.depth = 1
            return
        if tag == "input" and self._belongs(attrs) and attrs.get("name") and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.fields.append((str(attrs["name"]), attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea" and self._belongs(attrs) and attrs.get("name"):
            self._textarea = str(attrs["name"])
            self._textarea_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.depth:
            self.depth = 0
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea_text)
            # Browsers drop one newline right after <textarea> (Django writes one there).
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self.fields.append((self._textarea, text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea_text.append(data)


def form_fields(html: str, form_id: str = "answer-form") -> dict[str, str]:
    """The fields the form `form_id` on `html` would send (the last value of a name wins)."""
    parser = _FormFields(form_id)
    parser.feed(html)
    parser.close()
    return dict(parser.fields)
